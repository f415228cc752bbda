package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// generatedPkg is the type-checked oapi-codegen output.
type generatedPkg struct {
	pkg *types.Package
	// models are the type names of the models section (everything declared
	// before the client section), sorted.
	models []string
	// consts are the enum constants of the models section, sorted.
	consts []string
	// docs are the doc comments oapi-codegen wrote on the models.
	docs map[string]string
}

// plumbing reports whether a type of the models section only serves the
// generated client and has no place in package client: request-body aliases
// (the methods take the model itself), multipart Body_<op> schemas (replaced
// by the typed forms), and the number aliases that name the variants of a
// union.
func plumbing(pkg *types.Package, name string) bool {
	for _, suffix := range []string{"RequestBody", "JSONBody", "MultipartBody"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	obj := pkg.Scope().Lookup(name).(*types.TypeName)
	if obj.IsAlias() {
		if _, basic := types.Unalias(obj.Type()).(*types.Basic); basic && strings.IndexAny(name[len(name)-1:], "0123456789") == 0 {
			return true
		}
	}
	return strings.HasPrefix(name, "Body") && len(name) > 4 && strings.ToUpper(name[4:5]) == name[4:5]
}

func loadGenerated(pattern string) (*generatedPkg, error) {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo}
	pkgs, err := packages.Load(cfg, pattern)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", pattern, err)
	}
	if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		return nil, fmt.Errorf("load %s: %v", pattern, pkgs[0].Errors)
	}
	p := pkgs[0]
	g := &generatedPkg{pkg: p.Types}

	// oapi-codegen writes models first, then the client, which starts with
	// RequestEditorFn and HttpRequestDoer. Everything before is a model,
	// parameter or request-body type.
	limit := token.Pos(-1)
	for _, name := range []string{"RequestEditorFn", "HttpRequestDoer"} {
		obj := p.Types.Scope().Lookup(name)
		if obj == nil {
			return nil, fmt.Errorf("%s: no %s: was the client generated?", pattern, name)
		}
		if limit < 0 || obj.Pos() < limit {
			limit = obj.Pos()
		}
	}
	g.docs = map[string]string{}
	for _, f := range p.Syntax {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.End() >= limit {
				continue
			}
			for _, spec := range gd.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					if !s.Name.IsExported() || plumbing(p.Types, s.Name.Name) {
						continue
					}
					g.models = append(g.models, s.Name.Name)
					doc := s.Doc
					if doc == nil {
						doc = gd.Doc
					}
					g.docs[s.Name.Name] = doc.Text()
				case *ast.ValueSpec:
					if gd.Tok != token.CONST {
						continue
					}
					for _, n := range s.Names {
						if n.IsExported() && !strings.HasPrefix(n.Name, "ServerUrl") {
							g.consts = append(g.consts, n.Name)
						}
					}
				}
			}
		}
	}
	sort.Strings(g.models)
	sort.Strings(g.consts)
	return g, nil
}

// clientMethod is the signature of (*generated.Client).name.
func (g *generatedPkg) clientMethod(name string) (*types.Signature, error) {
	obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(g.pkg.Scope().Lookup("Client").Type()), true, g.pkg, name)
	fn, ok := obj.(*types.Func)
	if !ok {
		return nil, fmt.Errorf("generated.Client has no method %s", name)
	}
	return fn.Type().(*types.Signature), nil
}

// successType is the model type oapi-codegen decodes a JSON success into: the
// JSON<status> field of <GoName>Resp.
func (g *generatedPkg) successType(goName string, status int) (types.Type, error) {
	obj := g.pkg.Scope().Lookup(goName + "Resp")
	if obj == nil {
		return nil, fmt.Errorf("generated has no %sResp", goName)
	}
	st, ok := obj.Type().Underlying().(*types.Struct)
	if !ok {
		return nil, fmt.Errorf("%sResp is not a struct", goName)
	}
	field := fmt.Sprintf("JSON%d", status)
	for i := 0; i < st.NumFields(); i++ {
		if f := st.Field(i); f.Name() == field {
			if p, ok := f.Type().(*types.Pointer); ok {
				return p.Elem(), nil
			}
			return f.Type(), nil
		}
	}
	return nil, fmt.Errorf("%sResp has no field %s", goName, field)
}

// handwrittenNames are the package-level names declared by the hand-written
// files of package client; a model alias must not collide with them.
func handwrittenNames(dir string) (map[string]bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, ".gen.go") || strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					names[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						names[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range s.Names {
							names[n.Name] = true
						}
					}
				}
			}
		}
	}
	return names, nil
}
