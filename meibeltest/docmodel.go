package meibeltest

import (
	"path"
	"strings"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// The simulated parser reads a document as text: form feeds separate pages,
// every non-empty line is an element, except that consecutive lines starting
// with "|" form one table (cells split on "|"). "# " lines are headings (the
// number of #s is the level; level 1 is the title), "- " and "* " lines list
// items, anything else text.

// docElement is one element of a parsed document.
type docElement struct {
	page  int    // 1-based
	kind  string // "title", "heading", "list_item", "table" or "text"
	level int    // heading level; 0 for other kinds
	text  string
	rows  [][]string // a table's cells
}

// parseText parses a document's text into pages of elements.
func parseText(text string) [][]docElement {
	var pages [][]docElement
	for i, pageText := range strings.Split(text, "\f") {
		var els []docElement
		for _, line := range strings.Split(pageText, "\n") {
			line = strings.TrimSpace(line)
			switch {
			case line == "":
			case strings.HasPrefix(line, "|"):
				row := tableRow(line)
				if row == nil { // a markdown separator row: |---|---|
					continue
				}
				if n := len(els); n > 0 && els[n-1].kind == "table" {
					els[n-1].rows = append(els[n-1].rows, row)
					els[n-1].text += "\n" + line
					continue
				}
				els = append(els, docElement{page: i + 1, kind: "table", text: line, rows: [][]string{row}})
			case strings.HasPrefix(line, "#"):
				level := len(line) - len(strings.TrimLeft(line, "#"))
				kind := "heading"
				if level == 1 {
					kind = "title"
				}
				els = append(els, docElement{page: i + 1, kind: kind, level: level, text: strings.TrimSpace(line[level:])})
			case strings.HasPrefix(line, "- ") || strings.HasPrefix(line, "* "):
				els = append(els, docElement{page: i + 1, kind: "list_item", text: strings.TrimSpace(line[2:])})
			default:
				els = append(els, docElement{page: i + 1, kind: "text", text: line})
			}
		}
		pages = append(pages, els)
	}
	return pages
}

// tableRow splits "| a | b |" into cells; nil for a separator row.
func tableRow(line string) []string {
	inner := strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	cells := strings.Split(inner, "|")
	sep := true
	for i, c := range cells {
		cells[i] = strings.TrimSpace(c)
		if strings.Trim(cells[i], "-: ") != "" {
			sep = false
		}
	}
	if sep {
		return nil
	}
	return cells
}

// docStats are the counts a parse reports.
type docStats struct{ pages, elements, tables int }

func statsOf(pages [][]docElement) docStats {
	s := docStats{pages: len(pages)}
	for _, els := range pages {
		for _, e := range els {
			s.elements++
			if e.kind == "table" {
				s.tables++
			}
		}
	}
	return s
}

// The page geometry of the structured result: US Letter in points, one
// 14-point line per element row, 72-point margins.
const (
	pageWidth, pageHeight = 612.0, 792.0
	margin, lineHeight    = 72.0, 14.0
)

// elementConfidence is the layout confidence the simulated parser reports.
func elementConfidence(kind string) float64 {
	if kind == "table" {
		return 0.95
	}
	return 0.99
}

// meibelResult renders the parse as the API's MeibelDocumentResult (the
// format=json result of processDocument).
func meibelResult(filename string, pages [][]docElement) generated.MeibelDocumentResult {
	st := statsOf(pages)
	out := generated.MeibelDocumentResult{Elements: []generated.DocumentElement{}, Pages: st.pages, Tables: st.tables,
		Metadata: nullable.NewNullableWithValue(map[string]any{"filename": filename})}
	for _, els := range pages {
		for _, e := range els {
			el := generated.DocumentElement{Type: e.kind, Page: nullable.NewNullableWithValue(e.page),
				Confidence: nullable.NewNullableWithValue(elementConfidence(e.kind))}
			if e.level > 0 {
				el.Level = nullable.NewNullableWithValue(e.level)
			}
			if e.kind == "table" {
				t := generated.Table{Cells: []generated.TableCell{}, Rows: len(e.rows)}
				for r, row := range e.rows {
					t.Cols = max(t.Cols, len(row))
					for c, text := range row {
						t.Cells = append(t.Cells, generated.TableCell{Text: text, Row: r, Col: c, RowSpan: ptr(1), ColSpan: ptr(1)})
					}
				}
				el.Table = nullable.NewNullableWithValue(t)
			} else {
				el.Text = nullable.NewNullableWithValue(e.text)
			}
			out.Elements = append(out.Elements, el)
		}
	}
	return out
}

// layoutLabels maps element kinds to the structured result's labels.
var layoutLabels = map[string]generated.ParseLayoutLabel{
	"title": "Title", "heading": "SectionHeader", "list_item": "ListItem", "table": "Table", "text": "Text",
}

// structuredResult renders the parse as ParseStructuredDocument: elements
// laid out top to bottom, one line per row, within the page margins.
func structuredResult(filename string, pages [][]docElement) generated.ParseStructuredDocument {
	st := statsOf(pages)
	out := generated.ParseStructuredDocument{NumPages: st.pages, Pages: []generated.ParseStructuredPage{},
		Confidence: generated.ParseConfidenceScores{MeanLayoutConfidence: 1, MinLayoutConfidence: 1,
			NumElements: st.elements, NumTables: st.tables},
		Format: nullable.NewNullNullable[string](), GpuMs: ptr(0), OcrPages: ptr(0), OrientationPages: ptr(0), RemoteRegions: ptr(0)}
	if ext := strings.TrimPrefix(strings.ToLower(path.Ext(filename)), "."); ext != "" {
		out.Format = nullable.NewNullableWithValue(ext)
	}
	var sum float64
	order := 0
	for i, els := range pages {
		p := generated.ParseStructuredPage{PageNumber: i + 1, Elements: []generated.ParseDocumentElement{},
			PageBbox:   generated.ParseBBox{X0: 0, Y0: 0, X1: pageWidth, Y1: pageHeight},
			OcrApplied: ptr(false), OrientationDegrees: ptr(0)}
		y := margin
		for _, e := range els {
			rows := max(len(e.rows), 1)
			conf := elementConfidence(e.kind)
			sum += conf
			out.Confidence.MinLayoutConfidence = min(out.Confidence.MinLayoutConfidence, conf)
			box := generated.ParseBBox{X0: margin, X1: pageWidth - margin, Y0: y, Y1: y + float64(rows)*lineHeight}
			el := generated.ParseDocumentElement{Bbox: box, Confidence: conf, Label: layoutLabels[e.kind],
				ReadingOrder: order, Text: e.text}
			order++
			if e.level > 0 {
				el.HeadingLevel = nullable.NewNullableWithValue(e.level)
			}
			if e.kind == "table" {
				el.Table = nullable.NewNullableWithValue(structuredTable(e, box, i+1))
			}
			p.Elements = append(p.Elements, el)
			y = box.Y1
		}
		out.Pages = append(out.Pages, p)
	}
	if st.elements > 0 {
		out.Confidence.MeanLayoutConfidence = sum / float64(st.elements)
	}
	return out
}

func structuredTable(e docElement, box generated.ParseBBox, page int) generated.ParseTable {
	t := generated.ParseTable{Bbox: box, Cells: []generated.ParseTableCell{}, NumRows: len(e.rows), PageNumber: page}
	for _, row := range e.rows {
		t.NumCols = max(t.NumCols, len(row))
	}
	width := (box.X1 - box.X0) / float64(max(t.NumCols, 1))
	for r, row := range e.rows {
		for c, text := range row {
			x := box.X0 + float64(c)*width
			y := box.Y0 + float64(r)*lineHeight
			t.Cells = append(t.Cells, generated.ParseTableCell{Text: text, Row: r, Col: c, RowSpan: 1, ColSpan: 1,
				IsHeader: r == 0, Bbox: generated.ParseBBox{X0: x, X1: x + width, Y0: y, Y1: y + lineHeight}})
		}
	}
	return t
}
