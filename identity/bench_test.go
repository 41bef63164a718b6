package identity_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/kefu-go/kefu/identity"
	"github.com/kefu-go/kefu/identity/identitytest"
)

// benchCustomers is how many customers the benchmarks preload, so lookups hit
// maps of a realistic size rather than a single entry.
const benchCustomers = 10_000

func benchRegistry(b *testing.B, cacheTTL time.Duration) *identity.Registry {
	b.Helper()
	reg, err := identity.New(identity.Config{Keyring: identitytest.NewKeyring(b), CacheTTL: cacheTTL})
	if err != nil {
		b.Fatal(err)
	}
	return reg
}

// BenchmarkResolve measures Resolve of a known openid with a warm cache: the
// path every inbound message of a returning user takes.
func BenchmarkResolve(b *testing.B) {
	ctx := context.Background()
	reg := benchRegistry(b, 0)
	openids := make([]string, benchCustomers)
	for i := range openids {
		openids[i] = fmt.Sprintf("o-bench-%06d", i)
		for range 2 { // create, then load into the cache
			if _, err := reg.Resolve(ctx, "wxoa", openids[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
	runtime.GC() // collect the setup's garbage outside the measurement
	b.ReportAllocs()
	cpu := startCPU()
	i := 0
	for b.Loop() {
		c, err := reg.Resolve(ctx, "wxoa", openids[i%benchCustomers])
		if err != nil || c.ID == "" {
			b.Fatalf("Resolve: %v", err)
		}
		i++
	}
	cpu.report(b, i)
}

// BenchmarkLookupPhone measures finding a known customer by phone through
// the blind index with the customer cache disabled, so every iteration takes
// the full path: HMAC of the number, Store.Lookup of the blind index,
// Store.Get of the one matching record, and decryption of its sealed fields.
// This is the "blind-index lookup by phone" target.
func BenchmarkLookupPhone(b *testing.B) {
	benchLookupPhone(b, -1)
}

// BenchmarkLookupPhoneCached is the same lookup with a warm customer cache:
// the HMAC of the number, then the in-process cache keyed by that blind index
// (no store access, no decryption).
func BenchmarkLookupPhoneCached(b *testing.B) {
	benchLookupPhone(b, 0)
}

func benchLookupPhone(b *testing.B, cacheTTL time.Duration) {
	ctx := context.Background()
	reg := benchRegistry(b, cacheTTL)
	phones := make([]identity.Phone, benchCustomers)
	for i := range phones {
		c, err := reg.Resolve(ctx, "wxoa", fmt.Sprintf("o-bench-%06d", i))
		if err != nil {
			b.Fatal(err)
		}
		phones[i] = identity.MustParsePhone(fmt.Sprintf("139%08d", i))
		if _, err := reg.BindPhone(ctx, c.ID, phones[i]); err != nil {
			b.Fatal(err)
		}
		if _, err := reg.LookupPhone(ctx, phones[i]); err != nil { // warm the cache, if enabled
			b.Fatal(err)
		}
	}
	runtime.GC() // collect the setup's garbage outside the measurement
	b.ReportAllocs()
	cpu := startCPU()
	i := 0
	for b.Loop() {
		c, err := reg.LookupPhone(ctx, phones[i%benchCustomers])
		if err != nil || c.Phone != phones[i%benchCustomers] {
			b.Fatalf("LookupPhone: %v", err)
		}
		i++
	}
	cpu.report(b, i)
}

// cpuMeter measures the process CPU time a benchmark loop used. On a shared
// machine ns/op (wall clock) includes time spent waiting for a core;
// cpu-ns/op does not.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU() cpuMeter {
	d, ok := processCPU()
	return cpuMeter{start: d, ok: ok}
}

func (m cpuMeter) report(b *testing.B, n int) {
	end, ok := processCPU()
	if m.ok && ok && n > 0 {
		b.ReportMetric(float64(end-m.start)/float64(n), "cpu-ns/op")
	}
}
