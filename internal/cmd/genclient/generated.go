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
	// HttpRequestDoer. Everything before it is a model users may need.
	doer := p.Types.Scope().Lookup("HttpRequestDoer")
	if doer == nil {
		return nil, fmt.Errorf("%s: no HttpRequestDoer: was the client generated?", pattern)
	}
	limit := doer.Pos()
	for _, f := range p.Syntax {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Pos() >= limit {
				continue
			}
			for _, spec := range gd.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					if s.Name.IsExported() {
						g.models = append(g.models, s.Name.Name)
					}
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
