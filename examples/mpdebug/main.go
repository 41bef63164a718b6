// Command mpdebug answers the question integrators ask when WeChat says the
// signature is wrong: it signs, verifies, decrypts, encrypts and parses
// Official Account callbacks exactly as package wechatmp does, and can post a
// correctly signed callback to a running server as WeChat would.
//
// Usage:
//
//	mpdebug sign    -token T -timestamp TS -nonce N [-encrypt E]
//	mpdebug decrypt -token T -aes-key K -appid A -timestamp TS -nonce N -msg-signature S [-encrypt E] [< envelope]
//	mpdebug encrypt -token T -aes-key K -appid A -timestamp TS -nonce N [-random R] < plaintext
//	mpdebug parse   < plaintext
//	mpdebug send    -url U -token T [-aes-key K -appid A] [-to GH_ID] -from OPENID -text "…"
//
// sign prints the URL signature, or the msg_signature when -encrypt is given.
// decrypt checks msg_signature, decrypts and checks the embedded AppID, and
// prints the plaintext; without -encrypt it reads the envelope (XML or JSON)
// on stdin. encrypt reads a plaintext reply on stdin and prints the encrypted
// reply envelope in the same format (-random: the 16-byte random prefix, as
// 16 characters or 32 hex digits; default crypto/rand). parse prints the
// parsed message as indented JSON, the fields it has no typed place for
// included under "Extra". send posts a text message from OPENID, signed and,
// with -aes-key and -appid, encrypted in secure mode, and prints the reply
// (decrypted and checked when encrypted).
//
// Exit status: 0 on success; 1 with the failing check on stderr otherwise
// (for example "msg_signature mismatch: got X, computed Y", or a crypto
// error with its official -400xx code).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/kefu-go/kefu/wechatmp"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// command is one subcommand: it parses its own flags from args and returns
// an error describing the failing check.
type command struct {
	name  string
	usage string
	run   func(args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

var commands = []command{
	{"sign", "-token T -timestamp TS -nonce N [-encrypt E]", runSign},
	{"decrypt", "-token T -aes-key K -appid A -timestamp TS -nonce N -msg-signature S [-encrypt E] [< envelope]", runDecrypt},
	{"encrypt", "-token T -aes-key K -appid A -timestamp TS -nonce N [-random R] < plaintext", runEncrypt},
	{"parse", "< plaintext", runParse},
	{"send", "-url U -token T [-aes-key K -appid A] [-to GH_ID] -from OPENID -text TEXT", runSend},
}

// errUsage reports a usage error whose explanation the flag package (or the
// usage text) has printed already.
var errUsage = errors.New("usage")

// run runs the subcommand named by args[0] and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return 1
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		if err := c.run(args[1:], stdin, stdout, stderr); err != nil {
			if !errors.Is(err, errUsage) {
				fmt.Fprintf(stderr, "mpdebug %s: %v\n", c.name, err)
			}
			return 1
		}
		return 0
	}
	fmt.Fprintf(stderr, "mpdebug: unknown subcommand %q\n", args[0])
	printUsage(stderr)
	return 1
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage:")
	for _, c := range commands {
		fmt.Fprintf(w, "  mpdebug %s %s\n", c.name, c.usage)
	}
}

// newFlags returns a flag set for a subcommand that prints its errors to stderr.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("mpdebug "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args and checks that every flag in required is non-empty.
func parseFlags(fs *flag.FlagSet, args []string, required map[string]*string) error {
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	// Report the missing flags in the order they were defined.
	var missing error
	fs.VisitAll(func(f *flag.Flag) {
		if p, ok := required[f.Name]; ok && *p == "" && missing == nil {
			missing = fmt.Errorf("-%s is required", f.Name)
		}
	})
	return missing
}

// readInput reads stdin up to a sane bound.
func readInput(stdin io.Reader, what string) ([]byte, error) {
	const limit = 1 << 20
	b, err := io.ReadAll(io.LimitReader(stdin, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s from stdin: %w", what, err)
	}
	if len(b) > limit {
		return nil, fmt.Errorf("%s on stdin exceeds %d bytes", what, limit)
	}
	return b, nil
}

// cryptoFailure adds the official -400xx code to a crypto error.
func cryptoFailure(err error) error {
	if code := wechatmp.CryptoCode(err); code != 0 {
		return fmt.Errorf("%w (code %d)", err, code)
	}
	return err
}
