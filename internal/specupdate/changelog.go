package specupdate

import (
	"bytes"
	"os"
	"strings"

	"github.com/meibel-ai/meibel-go/internal/specdiff"
)

const changelogHeader = "# Changelog\n\nNotable changes of the Meibel v2 Go client, newest first. Spec updates are\nrecorded by `make spec-update`.\n"

// AddToChangelog puts an entry for the report at the top of the changelog at
// path (created when missing): after the file's preamble, before the first
// "## " entry.
func AddToChangelog(path string, r *specdiff.Report, title string) error {
	old, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		old, err = []byte(changelogHeader), nil
	}
	if err != nil {
		return err
	}
	var entry bytes.Buffer
	if err := r.WriteMarkdown(&entry, 2, title); err != nil {
		return err
	}
	text := string(old)
	cut := len(text)
	if strings.HasPrefix(text, "## ") {
		cut = 0
	} else if i := strings.Index(text, "\n## "); i >= 0 {
		cut = i + 1
	}
	head := strings.TrimRight(text[:cut], "\n") + "\n\n"
	if cut == 0 {
		head = ""
	}
	tail := text[cut:]
	out := head + entry.String()
	if tail != "" {
		out += "\n" + tail
	}
	return os.WriteFile(path, []byte(out), 0o644)
}
