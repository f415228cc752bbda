package specupdate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meibel-ai/meibel-go/internal/specdiff"
)

func TestAddToChangelogPutsNewestFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "CHANGELOG.md")
	report := func(from, to string) *specdiff.Report {
		return &specdiff.Report{
			Old: specdiff.Spec{Name: "api-v2.json", Version: from},
			New: specdiff.Spec{Name: "new.json", Version: to},
			Changes: []specdiff.Change{
				{ID: "endpoint-added", Text: "endpoint added", Level: specdiff.Info, Operation: "GET", Path: "/x", OperationID: "getX"},
			},
		}
	}
	if err := AddToChangelog(path, report("1", "2"), "Spec 1 → 2"); err != nil {
		t.Fatal(err)
	}
	if err := AddToChangelog(path, report("2", "3"), "Spec 2 → 3"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	s := string(got)
	first, second := strings.Index(s, "## Spec 2 → 3"), strings.Index(s, "## Spec 1 → 2")
	if !strings.HasPrefix(s, "# Changelog\n") || first < 0 || second < 0 || first > second {
		t.Fatalf("changelog order:\n%s", s)
	}
	if strings.Count(s, "\n# Changelog") != 0 || !strings.Contains(s, "`GET /x (getX)`") {
		t.Errorf("changelog:\n%s", s)
	}
	if strings.Contains(s, "\n\n\n") {
		t.Errorf("blank lines pile up:\n%q", s)
	}
}
