package exchange

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"parindex/data"
	"parindex/index"
	"parindex/version"
)

// MaxUnitSheetSize is the largest unit sheet ReadUnitSheet accepts: 16 MiB.
const MaxUnitSheetSize = 16 << 20

// UnitSheet is the appraisal of one unit sent to it after round 1, and the
// unit's answers: for each leaf scored by the council, the self-assessment
// and evidence, the appraised score with the council's reasons, and the
// columns the unit fills in: its explanation (giải trình) and extra
// evidence notes.
type UnitSheet struct {
	CouncilID string          `json:"council_id,omitempty"`
	Period    index.Period    `json:"-"`
	Unit      index.Unit      `json:"-"`
	Round     int             `json:"round"`
	CreatedAt time.Time       `json:"-"`
	Items     []UnitSheetItem `json:"items"`
}

// UnitSheetItem is one leaf of a unit sheet.
type UnitSheetItem struct {
	Criterion     string        `json:"criterion"`
	Title         string        `json:"title"`
	Max           index.Points  `json:"max"`
	Self          *index.Points `json:"self"`      // null when the unit did not self-assess it
	Evidence      string        `json:"evidence"`  // the unit's evidence notes
	Appraised     *index.Points `json:"appraised"` // null when not appraised yet
	Reason        string        `json:"appraisal_reason"`
	Explanation   string        `json:"explanation"`    // filled in by the unit
	ExtraEvidence string        `json:"extra_evidence"` // filled in by the unit
}

// BuildUnitSheet makes a unit's sheet from its period's snapshot and
// results: every applicable leaf scored by the council, in framework order,
// with the final appraised score and the reasons behind it.
func BuildUnitSheet(snap *index.Snapshot, res *index.Result, unit string) (*UnitSheet, error) {
	ur := res.Unit(unit)
	if ur == nil {
		return nil, fmt.Errorf("unit sheet: unit %q is not an active unit of period %d %s", unit, snap.Period.Year, snap.Period.Round)
	}
	sh := &UnitSheet{Period: snap.Period}
	var fw *index.Framework
	for _, u := range snap.Units {
		if u.Code == unit {
			sh.Unit = u
		}
	}
	for _, b := range snap.Blocks {
		if b.Code == sh.Unit.Block {
			fw = snap.Frameworks[b.Framework]
		}
	}
	if fw == nil {
		return nil, fmt.Errorf("unit sheet: unit %s has no framework", unit)
	}
	self := map[string]index.SelfScore{}
	for _, s := range snap.Self {
		if s.Unit == unit {
			self[s.Criterion] = s
		}
	}
	// The reasons of each member's latest round, and the council's decision.
	type latest struct {
		round  int
		reason string
	}
	reasons := map[string]map[string]latest{}
	for _, a := range snap.Appraisals {
		if a.Unit != unit {
			continue
		}
		if reasons[a.Criterion] == nil {
			reasons[a.Criterion] = map[string]latest{}
		}
		if l, ok := reasons[a.Criterion][a.Member]; !ok || a.Round > l.round {
			reasons[a.Criterion][a.Member] = latest{a.Round, a.Reason}
		}
	}
	decided := map[string]string{}
	for _, d := range snap.Decisions {
		if d.Unit == unit {
			decided[d.Criterion] = d.Reason
		}
	}
	for _, lr := range ur.Leaves {
		if lr.NA || lr.Method == index.Survey {
			continue
		}
		it := UnitSheetItem{Criterion: lr.Code, Title: fw.Find(lr.Code).Title, Max: lr.Max}
		if s, ok := self[lr.Code]; ok {
			p := s.Points
			it.Self, it.Evidence, it.Explanation = &p, s.Evidence, s.Explanation
		}
		if lr.Source != index.FromNone {
			p := lr.Final
			it.Appraised = &p
		}
		if r, ok := decided[lr.Code]; ok && lr.Source == index.FromDecision {
			it.Reason = "Hội đồng quyết định: " + r
		} else {
			var members []string
			for m := range reasons[lr.Code] {
				members = append(members, m)
			}
			sort.Strings(members)
			var rs []string
			for _, m := range members {
				if r := reasons[lr.Code][m].reason; r != "" && !containsString(rs, r) {
					rs = append(rs, r)
				}
			}
			it.Reason = strings.Join(rs, "; ")
		}
		sh.Items = append(sh.Items, it)
	}
	return sh, nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// unitSheetJSON is the JSON form of a unit sheet.
type unitSheetJSON struct {
	Format        string          `json:"format"`
	FormatVersion int             `json:"format_version"`
	CouncilID     string          `json:"council_id,omitempty"`
	Period        periodJSON      `json:"period"`
	Unit          unitJSON        `json:"unit"`
	Round         int             `json:"round"`
	CreatedAt     string          `json:"created_at"`
	App           string          `json:"app"`
	Items         []UnitSheetItem `json:"items"`
}

type unitJSON struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Block string `json:"block"`
}

// WriteUnitSheetJSON writes a unit sheet as indented JSON.
func WriteUnitSheetJSON(w io.Writer, sh *UnitSheet) error {
	j := unitSheetJSON{Format: FormatUnitSheet, FormatVersion: FormatVersion, CouncilID: sh.CouncilID,
		Period: periodJSON{ID: sh.Period.ID, Year: sh.Period.Year, Round: sh.Period.Round, Name: sh.Period.Name},
		Unit:   unitJSON{Code: sh.Unit.Code, Name: sh.Unit.Name, Block: sh.Unit.Block}, Round: sh.Round,
		CreatedAt: sh.CreatedAt.Format(time.RFC3339), App: "parindex " + version.Version, Items: nonNil(sh.Items)}
	var b bytes.Buffer
	enc := newIndentEncoder(&b)
	if err := enc.Encode(j); err != nil {
		return fmt.Errorf("write unit sheet: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// UnitSheetCSVHeader is the header row of a unit sheet in CSV. The unit
// fills in the last two columns; the others are for reading.
var UnitSheetCSVHeader = []string{"period", "unit", "unit_name", "criterion", "title", "max", "self", "evidence",
	"appraised", "appraisal_reason", "explanation", "extra_evidence"}

// WriteUnitSheetCSV writes a unit sheet as CSV with a UTF-8 byte order mark
// (so that spreadsheet programs read the Vietnamese text right), one row a
// leaf; the period column reads "2024 full-year".
func WriteUnitSheetCSV(w io.Writer, sh *UnitSheet) error {
	var b bytes.Buffer
	b.WriteString(bomUTF8)
	cw := csv.NewWriter(&b)
	cw.Write(UnitSheetCSVHeader)
	period := fmt.Sprintf("%d %s", sh.Period.Year, sh.Period.Round)
	opt := func(p *index.Points) string {
		if p == nil {
			return ""
		}
		return p.Short()
	}
	for _, it := range sh.Items {
		cw.Write([]string{period, sh.Unit.Code, sh.Unit.Name, it.Criterion, it.Title, it.Max.Short(), opt(it.Self),
			it.Evidence, opt(it.Appraised), it.Reason, it.Explanation, it.ExtraEvidence})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write unit sheet: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// ReadUnitSheet reads a unit sheet returned by a unit, in JSON or CSV (told
// apart by the first character). Only the period, the unit, the criteria
// and the unit's two columns are used; the text is checked and normalised
// to NFC. Errors are *PackageFileError naming the file (and the row of a CSV).
func ReadUnitSheet(r io.Reader, name string) (*UnitSheet, error) {
	if name == "" {
		name = "(unit sheet)"
	}
	b, err := readLimited(r, name, MaxUnitSheetSize, "unit sheet")
	if err != nil {
		return nil, err
	}
	t := bytes.TrimSpace(b)
	if len(t) == 0 {
		return nil, fileErr(name, FileDamaged, "the file is empty")
	}
	if t[0] == '{' {
		return readUnitSheetJSON(b, name)
	}
	return readUnitSheetCSV(b, name)
}

func readUnitSheetJSON(b []byte, name string) (*UnitSheet, error) {
	if err := checkStrictJSON(b, 8); err != nil {
		return nil, &PackageFileError{File: name, Kind: FileDamaged, Msg: err.Error(), Err: err}
	}
	var j unitSheetJSON
	if err := decodeStrict(b, &j); err != nil {
		return nil, &PackageFileError{File: name, Kind: FileDamaged, Msg: err.Error(), Err: err}
	}
	if j.Format != FormatUnitSheet {
		return nil, fileErr(name, FileWrongKind, "not a unit sheet (its format is %q)", j.Format)
	}
	if j.FormatVersion != FormatVersion {
		return nil, fileErr(name, FileNewer, "format version %d is not %d", j.FormatVersion, FormatVersion)
	}
	bad := func(format string, a ...any) (*UnitSheet, error) {
		return nil, fileErr(name, FileInvalid, format, a...)
	}
	sh := &UnitSheet{CouncilID: clean(j.CouncilID), Round: j.Round}
	p, err := j.Period.check(false)
	if err != nil {
		return bad("%v", err)
	}
	sh.Period = p
	if sh.Unit.Code, err = codeRule(j.Unit.Code, "the unit"); err != nil {
		return bad("%v", err)
	}
	sh.Unit.Name, sh.Unit.Block = clean(j.Unit.Name), clean(j.Unit.Block)
	if len(j.Items) > maxItems {
		return bad("too many items")
	}
	for i, it := range j.Items {
		if it, err = checkSheetItem(it); err != nil {
			return bad("item %d: %v", i+1, err)
		}
		sh.Items = append(sh.Items, it)
	}
	return sh, nil
}

func checkSheetItem(it UnitSheetItem) (UnitSheetItem, error) {
	var err error
	if it.Criterion, err = codeRule(it.Criterion, "the criterion"); err != nil {
		return it, err
	}
	if it.Explanation, err = textRule(it.Explanation, "the explanation of "+it.Criterion, maxTextBytes); err != nil {
		return it, err
	}
	if it.ExtraEvidence, err = textRule(it.ExtraEvidence, "the extra evidence of "+it.Criterion, maxTextBytes); err != nil {
		return it, err
	}
	if it.Title, err = textRule(it.Title, "the title of "+it.Criterion, maxTextBytes); err != nil {
		return it, err
	}
	if it.Reason, err = textRule(it.Reason, "the appraisal reason of "+it.Criterion, maxTextBytes); err != nil {
		return it, err
	}
	it.Evidence, err = textRule(it.Evidence, "the evidence of "+it.Criterion, maxTextBytes)
	return it, err
}

func readUnitSheetCSV(b []byte, name string) (*UnitSheet, error) {
	if err := checkUTF8(b); err != nil {
		return nil, &PackageFileError{File: name, Kind: FileDamaged, Msg: err.Error(), Err: err}
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = len(UnitSheetCSVHeader)
	head, err := cr.Read()
	if err != nil {
		return nil, &PackageFileError{File: name, Kind: FileDamaged, Msg: "not a unit sheet: " + err.Error(), Err: err}
	}
	for i, h := range head {
		if strings.TrimSpace(h) != UnitSheetCSVHeader[i] {
			return nil, fileErr(name, FileDamaged, "not a unit sheet: column %d is %q, not %q", i+1, h, UnitSheetCSVHeader[i])
		}
	}
	sh := &UnitSheet{}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &PackageFileError{File: name, Kind: FileDamaged, Msg: err.Error(), Err: err}
		}
		bad := func(format string, a ...any) (*UnitSheet, error) {
			return nil, fileErr(name, FileInvalid, "row %d: %s", row, fmt.Sprintf(format, a...))
		}
		if row > maxItems {
			return bad("too many rows")
		}
		yr, rd, ok := strings.Cut(strings.TrimSpace(rec[0]), " ")
		year, yerr := strconv.Atoi(yr)
		p, perr := periodJSON{ID: 1, Year: year, Round: index.PeriodRound(rd)}.check(false)
		if !ok || yerr != nil || perr != nil {
			return bad("period %q is not like \"2024 full-year\"", rec[0])
		}
		p.ID = 0
		unit, err := codeRule(rec[1], "the unit")
		if err != nil {
			return bad("%v", err)
		}
		if sh.Unit.Code == "" {
			sh.Period, sh.Unit = p, index.Unit{Code: unit, Name: clean(rec[2])}
		} else if sh.Unit.Code != unit || sh.Period.Year != p.Year || sh.Period.Round != p.Round {
			return bad("the sheet mixes units or periods (%s %s after %s %d %s)", unit, rec[0], sh.Unit.Code, sh.Period.Year, sh.Period.Round)
		}
		it := UnitSheetItem{Criterion: rec[3], Title: rec[4], Evidence: rec[7], Reason: rec[9], Explanation: rec[10], ExtraEvidence: rec[11]}
		if it, err = checkSheetItem(it); err != nil {
			return bad("%v", err)
		}
		sh.Items = append(sh.Items, it)
	}
	if sh.Unit.Code == "" {
		return nil, fileErr(name, FileInvalid, "the sheet has no rows")
	}
	return sh, nil
}

func checkUTF8(b []byte) error {
	if !utf8.Valid(b) {
		return errors.New("the file is not UTF-8 text (save it as \"CSV UTF-8\")")
	}
	return nil
}

// ExportUnitSheet writes a unit's sheet of a period in "json" or "csv".
func ExportUnitSheet(s *data.Store, period int64, unit, format string, w io.Writer, now time.Time) (*UnitSheet, error) {
	if format != "json" && format != "csv" {
		return nil, fmt.Errorf("unit sheet: format %q is not json or csv", format)
	}
	snap, err := s.Snapshot(period)
	if err != nil {
		return nil, fmt.Errorf("unit sheet: %w", err)
	}
	res, err := index.Compute(snap)
	if err != nil {
		return nil, fmt.Errorf("unit sheet: %w", err)
	}
	sh, err := BuildUnitSheet(snap, res, unit)
	if err != nil {
		return nil, err
	}
	ws, err := s.Workspace()
	if err != nil {
		return nil, err
	}
	if sh.Round, err = s.CouncilRound(period); err != nil {
		return nil, err
	}
	sh.CouncilID = ws.CouncilID
	if now.IsZero() {
		now = time.Now()
	}
	sh.CreatedAt = now
	if format == "csv" {
		return sh, WriteUnitSheetCSV(w, sh)
	}
	return sh, WriteUnitSheetJSON(w, sh)
}

// ImportExplanations reads a unit sheet the unit filled in and records its
// explanations and extra evidence notes (data.Store.SetExplanations): they
// reach the members with the round 2 packages. The sheet must be of the
// period (and, when it names one, of the council). Importing the same sheet
// twice changes nothing.
func ImportExplanations(s *data.Store, period int64, r io.Reader, name string) (data.ApplyReport, *UnitSheet, error) {
	sh, err := ReadUnitSheet(r, name)
	if err != nil {
		return data.ApplyReport{}, nil, err
	}
	p, err := s.Period(period)
	if err != nil {
		return data.ApplyReport{}, sh, err
	}
	if p.Year != sh.Period.Year || p.Round != sh.Period.Round {
		return data.ApplyReport{}, sh, fileErr(name, FileInvalid, "the sheet is for period %d %s, not %d %s",
			sh.Period.Year, sh.Period.Round, p.Year, p.Round)
	}
	if sh.CouncilID != "" {
		ws, err := s.Workspace()
		if err != nil {
			return data.ApplyReport{}, sh, err
		}
		if ws.CouncilID != "" && ws.CouncilID != sh.CouncilID {
			return data.ApplyReport{}, sh, fileErr(name, FileInvalid, "the sheet is from council %s, not this council (%s)", sh.CouncilID, ws.CouncilID)
		}
	}
	items := make([]data.Explanation, 0, len(sh.Items))
	for _, it := range sh.Items {
		items = append(items, data.Explanation{Criterion: it.Criterion, Explanation: it.Explanation, ExtraEvidence: it.ExtraEvidence})
	}
	rep, err := s.SetExplanations(period, sh.Unit.Code, items)
	if err != nil {
		return rep, sh, fmt.Errorf("import %s: %w", name, err)
	}
	return rep, sh, nil
}
