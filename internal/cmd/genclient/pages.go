package main

import (
	"bytes"
	"fmt"
	"go/types"
	"reflect"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Pagination styles, read from each list operation's parameters and success
// schema. Each maps to one engine in client/pages.go.
const (
	styleOffset     = "offset"      // offset param; response total (top level or nested)
	styleNextOffset = "next_offset" // offset param; response next_offset
	styleToken      = "token"       // cursor / continuation token param; response returns the next one
)

// iterSuffix names the iterator of operation X: XIter. It sits next to X in
// the docs, is derived mechanically from the operationId, and reads well at
// the call site: for a, err := range c.Agents.ListAgentsIter(ctx, nil).
const iterSuffix = "Iter"

// paginated is one list operation the generator emits an iterator for.
type paginated struct {
	op    operation
	style string
	items string // JSON name of the array property holding the page's items

	pageParam  string // query parameter carrying the position: offset, cursor, continuation_token
	limitParam string // query parameter carrying the page size, "" when none

	total   []string // JSON path of the total in the response (offset style)
	limit   []string // JSON path of the reported page size, when any
	next    []string // JSON path of next_offset (next_offset style)
	token   []string // JSON path of the next token (token style)
	hasNext []string // JSON path of has_next / has_more, when any
}

// IterName is the name of the generated iterator method.
func (p paginated) IterName() string { return p.op.GoName + iterSuffix }

// findPaginated returns the operations whose schema says they are paginated,
// sorted by operationId. An operation is paginated when its JSON success body
// is an object with exactly one array property and its query parameters name
// a position (offset, or a token the response hands back).
func findPaginated(ops []operation) ([]paginated, error) {
	var out []paginated
	for _, op := range ops {
		if op.Result != resultJSON || op.Spec == nil || op.Body == bodyMultipart {
			continue
		}
		p, ok, err := classify(op)
		if err != nil {
			return nil, fmt.Errorf("operation %s: %w", op.ID, err)
		}
		if ok {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].op.ID < out[j].op.ID })
	return out, nil
}

func classify(op operation) (paginated, bool, error) {
	p := paginated{op: op}
	resp := op.Spec.Responses.Status(op.Status)
	if resp == nil || resp.Value == nil {
		return p, false, nil
	}
	mt := resp.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return p, false, nil
	}
	body := mt.Schema.Value
	if !body.Type.Is("object") {
		return p, false, nil
	}
	var arrays []string
	for name, prop := range body.Properties {
		if prop.Value != nil && prop.Value.Type.Is("array") {
			arrays = append(arrays, name)
		}
	}
	if len(arrays) != 1 {
		return p, false, nil
	}
	p.items = arrays[0]

	query := map[string]*openapi3.Schema{}
	for _, ref := range op.Spec.Parameters {
		if ref.Value != nil && ref.Value.In == "query" && ref.Value.Schema != nil {
			query[ref.Value.Name] = ref.Value.Schema.Value
		}
	}
	if s, ok := query["limit"]; ok && isType(s, "integer") {
		p.limitParam = "limit"
	}

	// Token style: a string query parameter P that the response hands back,
	// as P or next_P.
	var tokens []string
	for name, s := range query {
		if !isType(s, "string") {
			continue
		}
		for _, back := range []string{name, "next_" + name} {
			if path := findProp(body, back, "string"); path != nil {
				p.pageParam, p.token = name, path
				tokens = append(tokens, name)
			}
		}
	}
	sort.Strings(tokens)
	if len(tokens) > 1 {
		return p, false, fmt.Errorf("several pagination tokens %v: cannot tell which one pages", tokens)
	}
	if len(tokens) == 1 {
		p.style = styleToken
		for _, flag := range []string{"has_next", "has_more"} {
			if path := findProp(body, flag, "boolean"); path != nil {
				p.hasNext = path
			}
		}
		return p, true, nil
	}

	// Offset styles.
	if s, ok := query["offset"]; !ok || !isType(s, "integer") {
		return p, false, nil
	}
	p.pageParam = "offset"
	p.limit = findProp(body, "limit", "integer")
	if path := findProp(body, "next_offset", "integer"); path != nil {
		p.style, p.next = styleNextOffset, path
		return p, true, nil
	}
	if path := findProp(body, "total", "integer"); path != nil {
		p.style, p.total = styleOffset, path
		return p, true, nil
	}
	if p.limitParam == "" && p.limit == nil {
		return p, false, fmt.Errorf("offset parameter but neither a total, a next_offset nor a page size: cannot tell when the list ends")
	}
	p.style = styleOffset // ends on a short or empty page only
	return p, true, nil
}

// isType reports whether s is of type t, directly or as anyOf [t, null].
func isType(s *openapi3.Schema, t string) bool {
	if s == nil {
		return false
	}
	if s.Type.Is(t) || s.Type.Includes(t) {
		return true
	}
	for _, alt := range s.AnyOf {
		if alt.Value != nil && alt.Value.Type.Is(t) {
			return true
		}
	}
	return false
}

// findProp finds property name of type t in body, or in an object property of
// body (e.g. pagination.total). It returns the JSON path, or nil.
func findProp(body *openapi3.Schema, name, t string) []string {
	if prop, ok := body.Properties[name]; ok && isType(prop.Value, t) {
		return []string{name}
	}
	var nested []string
	for outer, prop := range body.Properties {
		if prop.Value == nil || !prop.Value.Type.Is("object") {
			continue
		}
		if inner, ok := prop.Value.Properties[name]; ok && isType(inner.Value, t) {
			nested = append(nested, outer)
		}
	}
	if len(nested) == 1 {
		return []string{nested[0], name}
	}
	return nil
}

// renderPages writes pages.gen.go: one iterator method per paginated operation.
func renderPages(pages []paginated, g *generatedPkg) ([]byte, error) {
	im := imports{"context": "context", "iter": "iter"}
	q := im.qualifier(g.pkg)
	var body bytes.Buffer
	for _, p := range pages {
		if err := renderIter(&body, p, g, q); err != nil {
			return nil, fmt.Errorf("operation %s: %w", p.op.ID, err)
		}
	}
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString("package client\n\nimport (\n")
	var paths []string
	for path := range im {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		fmt.Fprintf(&b, "\t%q\n", path)
	}
	b.WriteString(")\n\n")
	b.Write(body.Bytes())
	return formatGo("pages.gen.go", b.Bytes())
}

var styleDoc = map[string]string{
	styleOffset:     "It pages by offset until the response's total is reached (or a page comes back empty).",
	styleNextOffset: "It follows the response's next_offset until it is null (or a page comes back empty).",
	styleToken:      "It follows the token each response hands back until there is none (or a page comes back empty).",
}

func renderIter(b *bytes.Buffer, p paginated, g *generatedPkg, q types.Qualifier) error {
	sig, err := g.clientMethod(p.op.GoName)
	if err != nil {
		return err
	}
	respType, err := g.successType(p.op.GoName, p.op.Status)
	if err != nil {
		return err
	}
	// Arguments: the typed method's, with the params pointer found by type.
	var sigParams, args []string
	paramsType := ""
	n := sig.Params().Len()
	for i := 1; i < n-1; i++ {
		v := sig.Params().At(i)
		name := goIdent(v.Name())
		ts := types.TypeString(types.Unalias(v.Type()), q)
		if ts == "*"+p.op.GoName+"Params" {
			paramsType = strings.TrimPrefix(ts, "*")
			sigParams = append(sigParams, "params "+ts)
			args = append(args, "&q")
			continue
		}
		sigParams = append(sigParams, name+" "+ts)
		args = append(args, name)
	}
	if paramsType == "" {
		return fmt.Errorf("no %sParams argument in the generated client method", p.op.GoName)
	}
	paramsObj := g.pkg.Scope().Lookup(paramsType)
	if paramsObj == nil {
		return fmt.Errorf("generated has no %s", paramsType)
	}
	pageField, pageFieldType, err := goPath(paramsObj.Type(), []string{p.pageParam})
	if err != nil {
		return fmt.Errorf("params: %w", err)
	}
	if _, ok := pageFieldType.(*types.Pointer); !ok {
		return fmt.Errorf("params field %s is %s, want a pointer", pageField, pageFieldType)
	}

	itemsExpr, itemsType, err := goPath(respType, []string{p.items})
	if err != nil {
		return fmt.Errorf("response: %w", err)
	}
	var elem types.Type
	switch t := types.Unalias(itemsType).(type) {
	case *types.Slice:
		elem, itemsExpr = t.Elem(), "r."+itemsExpr
	case *types.Pointer:
		s, ok := t.Elem().Underlying().(*types.Slice)
		if !ok {
			return fmt.Errorf("items %s is %s, want a slice", p.items, itemsType)
		}
		elem, itemsExpr = s.Elem(), "sliceOf(r."+itemsExpr+")"
	default:
		return fmt.Errorf("items %s is %s, want a slice", p.items, itemsType)
	}
	item := types.TypeString(types.Unalias(elem), q)
	pageT := "page[" + item + "]"

	fields := []string{"items: " + itemsExpr}
	for _, f := range []struct {
		key  string
		path []string
	}{{"total", p.total}, {"limit", p.limit}, {"next", p.next}, {"token", p.token}, {"hasNext", p.hasNext}} {
		if f.path == nil {
			continue
		}
		expr, t, err := goPath(respType, f.path)
		if err != nil {
			return fmt.Errorf("response: %w", err)
		}
		opt, err := optional("r."+expr, t)
		if err != nil {
			return fmt.Errorf("response %s: %w", strings.Join(f.path, "."), err)
		}
		fields = append(fields, f.key+": "+opt)
	}

	limitArg := "nil"
	if p.limitParam != "" {
		lf, lt, err := goPath(paramsObj.Type(), []string{p.limitParam})
		if err != nil {
			return fmt.Errorf("params: %w", err)
		}
		if _, ok := lt.(*types.Pointer); !ok {
			return fmt.Errorf("params field %s is %s, want a pointer", lf, lt)
		}
		limitArg = "p." + lf
	}

	var call string
	switch p.style {
	case styleOffset:
		call = fmt.Sprintf("offsetPages(p.%s, %s, func(offset int) (%s, error) {\n\t\tq := p\n\t\tq.%s = &offset\n", pageField, limitArg, pageT, pageField)
	case styleNextOffset:
		call = fmt.Sprintf("nextOffsetPages(%q, p.%s, func(offset int) (%s, error) {\n\t\tq := p\n\t\tq.%s = &offset\n", p.op.ID, pageField, pageT, pageField)
	case styleToken:
		call = fmt.Sprintf("tokenPages(%q, p.%s, func(token *string) (%s, error) {\n\t\tq := p\n\t\tq.%s = token\n", p.op.ID, pageField, pageT, pageField)
	}

	fmt.Fprintf(b, "// %s iterates over every %s of %s, fetching pages lazily with %s.\n", p.IterName(), item, p.op.ID, p.op.GoName)
	fmt.Fprintf(b, "// %s\n", styleDoc[p.style])
	fmt.Fprintf(b, "// params is copied, never modified: its %s is where iteration starts", pageField)
	if p.limitParam != "" {
		b.WriteString(" and its Limit the page size")
	}
	b.WriteString(".\n// An error is yielded once and ends the iteration; breaking out of the loop\n// sends no further request.\n")
	sigParams = append([]string{"ctx context.Context"}, sigParams...)
	sigParams = append(sigParams, "opts ...Option")
	fmt.Fprintf(b, "func (s *%sService) %s(%s) iter.Seq2[%s, error] {\n", serviceName(p.op.Tag), p.IterName(), strings.Join(sigParams, ", "), item)
	fmt.Fprintf(b, "\tvar p %s\n\tif params != nil {\n\t\tp = *params\n\t}\n", paramsType)
	b.WriteString("\treturn " + call)
	fmt.Fprintf(b, "\t\tr, err := s.%s(ctx, %s, opts...)\n", p.op.GoName, strings.Join(args, ", "))
	fmt.Fprintf(b, "\t\tif err != nil {\n\t\t\treturn %s{}, err\n\t\t}\n", pageT)
	fmt.Fprintf(b, "\t\treturn %s{%s}, nil\n\t})\n}\n\n", pageT, strings.Join(fields, ", "))
	return nil
}

// goPath turns a JSON path into a Go selector (e.g. Pagination.Total) on t,
// using the json tags of the generated structs.
func goPath(t types.Type, path []string) (string, types.Type, error) {
	var sel []string
	for _, name := range path {
		st, ok := types.Unalias(t).Underlying().(*types.Struct)
		if !ok {
			return "", nil, fmt.Errorf("%s is not a struct", t)
		}
		found := false
		for i := 0; i < st.NumFields(); i++ {
			tag, _, _ := strings.Cut(reflect.StructTag(st.Tag(i)).Get("json"), ",")
			if tag == name {
				sel = append(sel, st.Field(i).Name())
				t, found = st.Field(i).Type(), true
				break
			}
		}
		if !found {
			return "", nil, fmt.Errorf("%s has no field with json name %q", t, name)
		}
	}
	return strings.Join(sel, "."), t, nil
}

// optional renders expr (of type t) as a pointer expression: *T as is,
// nullable.Nullable[T] through nullableOpt, a plain value through ptrOf.
func optional(expr string, t types.Type) (string, error) {
	switch u := types.Unalias(t).(type) {
	case *types.Pointer:
		return expr, nil
	case *types.Named:
		if u.Obj().Name() == "Nullable" && u.Obj().Pkg() != nil && u.Obj().Pkg().Path() == "github.com/meibel-ai/meibel-go/nullable" {
			return "nullableOpt(" + expr + ")", nil
		}
		if _, ok := u.Underlying().(*types.Basic); ok {
			return "ptrOf(" + expr + ")", nil
		}
	case *types.Basic:
		return "ptrOf(" + expr + ")", nil
	}
	return "", fmt.Errorf("unsupported type %s", t)
}
