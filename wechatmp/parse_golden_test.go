package wechatmp

import (
	"bytes"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var parseUpdate = flag.Bool("update", false, "rewrite the testdata/samples/**/*.golden.json files")

// parseSampleFiles lists every payload under testdata/samples (all but the
// README and the golden files themselves).
func parseSampleFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("testdata/samples", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasSuffix(path, ".golden.json") || filepath.Base(path) == "README.md" {
			return nil
		}
		files = append(files, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 50 {
		t.Fatalf("found only %d sample files", len(files))
	}
	return files
}

func parseGoldenPath(sample string) string {
	return strings.TrimSuffix(sample, filepath.Ext(sample)) + ".golden.json"
}

// TestParseSamplesGolden parses every sample and compares the Message, in its
// JSON form, with the sample's golden file.
func TestParseSamplesGolden(t *testing.T) {
	for _, file := range parseSampleFiles(t) {
		t.Run(strings.TrimPrefix(file, "testdata/samples/"), func(t *testing.T) {
			body, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			m, err := ParseMessage(body)
			if err != nil {
				t.Fatalf("ParseMessage: %v", err)
			}
			if !bytes.Equal(m.Raw, body) {
				t.Errorf("Raw is not the body")
			}
			got, err := json.MarshalIndent(m, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := parseGoldenPath(file)
			if *parseUpdate {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestParseSamplesGolden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the parsed message:\n got: %s\nwant: %s", golden, got, want)
			}
		})
	}
}
