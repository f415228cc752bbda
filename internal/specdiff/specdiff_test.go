package specdiff

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func diffFixtures(t *testing.T, oldName, newName string) *Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	d := &Differ{ToolsDir: filepath.Join("..", "..", "tools")}
	r, err := d.Diff(ctx, oldName, fixture(t, oldName), newName, fixture(t, newName))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func ids(changes []Change) []string {
	var out []string
	for _, c := range changes {
		if !slices.Contains(out, c.ID) {
			out = append(out, c.ID)
		}
	}
	slices.Sort(out)
	return out
}

// TestDetector runs oasdiff on small fixture specs (testdata/base.json and
// one variant per kind of change) and checks what is flagged as breaking.
func TestDetector(t *testing.T) {
	cases := []struct {
		fixture      string
		wantBreaking []string // oasdiff check ids, sorted; nil: nothing breaking
		wantText     string   // must appear in a breaking change's text
		wantChange   []string // ids that must be among the compatible changes
	}{
		{"removed-operation", []string{"api-removed-without-deprecation"}, "DELETE", nil},
		{"removed-response-field", []string{"response-required-property-removed"}, "created_at", nil},
		{"removed-optional-response-field", []string{"response-optional-property-removed"}, "label", nil},
		{"new-required-request-field", []string{"new-required-request-property"}, "owner", nil},
		{"field-not-nullable", []string{"request-property-became-not-nullable", "request-property-list-of-types-narrowed"}, "max_count", nil},
		{"narrowed-enum", []string{"request-property-enum-value-removed"}, "blue", nil},
		// Compatible for a JSON client, but each changes or removes a Go field.
		{"response-field-not-nullable", []string{"response-property-became-not-nullable"}, "label", nil},
		{"removed-request-field", []string{"request-property-removed"}, "color", nil},
		{"request-field-nullable", []string{"request-property-became-nullable"}, "name", nil},
		{"added-optional-field", nil, "", []string{"new-optional-request-property", "response-optional-property-added"}},
		{"new-operation", nil, "", []string{"endpoint-added"}},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			t.Parallel()
			r := diffFixtures(t, "base", tc.fixture)
			if got := ids(r.Breaking()); !slices.Equal(got, tc.wantBreaking) {
				t.Errorf("breaking = %v, want %v\nreport: %+v", got, tc.wantBreaking, r.Changes)
			}
			if len(r.Warnings()) > 0 {
				t.Errorf("warnings = %v, want none", ids(r.Warnings()))
			}
			if tc.wantText != "" && !strings.Contains(r.Breaking()[0].Text+" "+r.Breaking()[0].Operation, tc.wantText) {
				t.Errorf("breaking change %q does not name %q", r.Breaking()[0].Text, tc.wantText)
			}
			compatible := ids(r.Compatible())
			for _, id := range append(tc.wantChange, "api-version-changed") {
				if !slices.Contains(compatible, id) {
					t.Errorf("compatible changes %v lack %s", compatible, id)
				}
			}
			if r.Old.Version != "1.0.0" || r.New.Version != "1.1.0" || !r.Drifted() {
				t.Errorf("versions %s → %s, drifted %v", r.Old.Version, r.New.Version, r.Drifted())
			}
		})
	}
}

func TestIdenticalSpecsNeedNoOasdiff(t *testing.T) {
	// An invalid tools directory proves oasdiff is not even run.
	d := &Differ{ToolsDir: filepath.Join(t.TempDir(), "missing")}
	doc := fixture(t, "base")
	r, err := d.Diff(context.Background(), "a", doc, "b", doc)
	if err != nil {
		t.Fatal(err)
	}
	if r.Drifted() || len(r.Changes) != 0 {
		t.Errorf("identical documents: drifted %v, changes %v", r.Drifted(), r.Changes)
	}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "No drift") {
		t.Errorf("report:\n%s", b.String())
	}
}

func TestReformattedSpecIsDriftWithoutChanges(t *testing.T) {
	doc := fixture(t, "base")
	compact := []byte(strings.Join(strings.Fields(string(doc)), ""))
	r := diffFixturesBytes(t, doc, compact)
	if !r.Drifted() || len(r.Changes) != 0 {
		t.Fatalf("reformatted document: drifted %v, changes %v", r.Drifted(), r.Changes)
	}
	var b strings.Builder
	r.WriteText(&b)
	if !strings.Contains(b.String(), "no API change") {
		t.Errorf("report:\n%s", b.String())
	}
}

func diffFixturesBytes(t *testing.T, oldDoc, newDoc []byte) *Report {
	t.Helper()
	d := &Differ{ToolsDir: filepath.Join("..", "..", "tools")}
	r, err := d.Diff(context.Background(), "old", oldDoc, "new", newDoc)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDiffErrorNamesTheTool(t *testing.T) {
	d := &Differ{ToolsDir: t.TempDir()} // no go.mod: go tool oasdiff fails
	_, err := d.Diff(context.Background(), "a.json", fixture(t, "base"), "b.json", fixture(t, "new-operation"))
	if err == nil || !strings.Contains(err.Error(), "oasdiff changelog a.json b.json") {
		t.Fatalf("err = %v, want one naming the oasdiff run", err)
	}
}

func TestReportsPutBreakingChangesFirst(t *testing.T) {
	r := diffFixtures(t, "base", "field-not-nullable")
	var text, md strings.Builder
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteMarkdown(&md, 2, "Spec 1.0.0 → 1.1.0"); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": text.String(), "markdown": md.String()} {
		b := strings.Index(strings.ToLower(out), "breaking changes")
		c := strings.Index(strings.ToLower(out), "changelog")
		if b < 0 || c < 0 || b > c {
			t.Errorf("%s report: breaking changes (at %d) must come before the changelog (at %d):\n%s", name, b, c, out)
		}
		// The same schema change is reported once, with its operation.
		if n := strings.Count(out, "became not nullable"); n != 1 {
			t.Errorf("%s report names the nullable change %d times, want once:\n%s", name, n, out)
		}
		if !strings.Contains(out, "POST /items (createItem)") {
			t.Errorf("%s report lacks the operation:\n%s", name, out)
		}
		if !strings.Contains(out, "2 breaking, 0 warnings, 1 compatible changes") {
			t.Errorf("%s report lacks the summary:\n%s", name, out)
		}
	}
	if !strings.HasPrefix(md.String(), "## Spec 1.0.0 → 1.1.0\n") || !strings.Contains(md.String(), "\n### Breaking changes\n") {
		t.Errorf("markdown headings:\n%s", md.String())
	}
}
