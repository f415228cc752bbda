package specdiff

import (
	"fmt"
	"io"
	"strings"
)

// group is one change as reported for one or more operations: oasdiff
// repeats a schema change for every operation that uses the schema.
type group struct {
	Change
	ops []string // "POST /path (operationId)"
}

func groups(changes []Change) []group {
	var out []group
	index := map[string]int{}
	for _, c := range changes {
		key := c.ID + "\x00" + c.Text
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, group{Change: c})
		}
		if c.Operation != "" {
			op := c.Operation + " " + c.Path
			if c.OperationID != "" {
				op += " (" + c.OperationID + ")"
			}
			out[i].ops = append(out[i].ops, op)
		}
	}
	return out
}

type section struct {
	title, note string
	changes     []Change
	always      bool // print even when empty
}

func (r *Report) sections() []section {
	return []section{
		{"Breaking changes", "these can break existing callers", r.Breaking(), true},
		{"Warnings", "these may break callers, depending on how they use the API", r.Warnings(), false},
		{"Other changes (changelog)", "compatible changes, including new operations and fields", r.Compatible(), true},
	}
}

// Summary is a one-line count of the changes.
func (r *Report) Summary() string {
	if r.Identical {
		return "no drift: the documents are identical"
	}
	return fmt.Sprintf("%d breaking, %d warnings, %d compatible changes",
		len(groups(r.Breaking())), len(groups(r.Warnings())), len(groups(r.Compatible())))
}

func (r *Report) headline() string {
	return fmt.Sprintf("%s (%s) → %s (%s)", r.Old.Name, r.Old.Version, r.New.Name, r.New.Version)
}

func (r *Report) quietNote() string {
	switch {
	case r.Identical:
		return "No drift: the documents are identical byte for byte."
	case len(r.Changes) == 0:
		return "oasdiff reports no API change; the documents differ only in what it does not compare (descriptions, formatting, key order)."
	}
	return ""
}

// WriteText writes the report for a terminal: breaking changes first, then
// warnings, then the changelog.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Spec drift: %s\n", r.headline())
	if note := r.quietNote(); note != "" {
		fmt.Fprintf(&b, "\n%s\n", note)
	} else {
		for _, s := range r.sections() {
			gs := groups(s.changes)
			if len(gs) == 0 && !s.always {
				continue
			}
			fmt.Fprintf(&b, "\n%s (%d): %s\n", strings.ToUpper(s.title), len(gs), s.note)
			if len(gs) == 0 {
				b.WriteString("  (none)\n")
			}
			for _, g := range gs {
				fmt.Fprintf(&b, "  - %s [%s]\n", g.Text, g.ID)
				for _, op := range g.ops {
					fmt.Fprintf(&b, "      %s\n", op)
				}
			}
		}
	}
	fmt.Fprintf(&b, "\nSummary: %s.\n", r.Summary())
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown writes the report as Markdown. Its title is a heading of the
// given level (1 for "#"); sections are one level below.
func (r *Report) WriteMarkdown(w io.Writer, level int, title string) error {
	h := strings.Repeat("#", level)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n\n", h, title)
	fmt.Fprintf(&b, "Compared with oasdiff: %s.\n\n", mdEscape(r.headline()))
	fmt.Fprintf(&b, "Summary: %s.\n", r.Summary())
	if note := r.quietNote(); note != "" {
		fmt.Fprintf(&b, "\n%s\n", note)
	} else {
		for _, s := range r.sections() {
			gs := groups(s.changes)
			if len(gs) == 0 && !s.always {
				continue
			}
			fmt.Fprintf(&b, "\n%s# %s\n\n%s%s.\n\n", h, s.title, strings.ToUpper(s.note[:1]), s.note[1:])
			if len(gs) == 0 {
				b.WriteString("- none\n")
			}
			for _, g := range gs {
				fmt.Fprintf(&b, "- %s (`%s`)\n", g.Text, g.ID)
				for _, op := range g.ops {
					fmt.Fprintf(&b, "  - `%s`\n", op)
				}
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdEscape keeps paths such as a_b_c from turning into emphasis.
func mdEscape(s string) string {
	return strings.NewReplacer("_", `\_`, "*", `\*`).Replace(s)
}
