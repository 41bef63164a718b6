package kefu_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const modulePath = "github.com/kefu-go/kefu/"

// TestPackagesAreIndependent enforces the promise of the package overview:
// importing kb, routing, ticket or identity (or their conformance suites) never
// drags in wechatmp or another of them. Only the shared helpers may be
// imported.
func TestPackagesAreIndependent(t *testing.T) {
	allowed := map[string][]string{
		"kb":       {"internal/textmatch"},
		"routing":  {"internal/textmatch", "businesshours"},
		"ticket":   {"businesshours"},
		"identity": nil,
	}
	for pkg, ok := range allowed {
		closure := map[string]bool{}
		var walk func(dir string)
		walk = func(dir string) {
			for _, imp := range kefuImports(t, dir) {
				if !closure[imp] {
					closure[imp] = true
					walk(imp)
				}
			}
		}
		walk(pkg)
		for _, sub := range []string{pkg + "/" + pkg + "test"} {
			if _, err := os.Stat(sub); err == nil {
				walk(sub)
			}
		}
		for imp := range closure {
			if imp == pkg || strings.HasPrefix(imp, pkg+"/") || slices.Contains(ok, imp) {
				continue
			}
			t.Errorf("%s imports %s (directly or through another package)", pkg, imp)
		}
	}
}

// kefuImports returns the module-internal packages that the non-test Go
// files of dir import, as paths relative to the module root.
func kefuImports(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range file.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			if rel, ok := strings.CutPrefix(p, modulePath); ok {
				out = append(out, rel)
			}
		}
	}
	return out
}
