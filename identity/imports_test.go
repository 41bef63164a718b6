package identity_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoPlatformImports keeps identity independent of the WeChat platform
// package: hosts wire the two together.
func TestNoPlatformImports(t *testing.T) {
	for _, dir := range []string{".", "identitytest"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s (%v)", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range ast.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if strings.Contains(path, "kefu/wechatmp") || strings.Contains(path, "kefu/routing") || strings.Contains(path, "kefu/kb") {
					t.Errorf("%s imports %s", f, path)
				}
			}
		}
	}
}
