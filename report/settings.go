package report

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"parindex/index"
)

// The keys of the period settings that ParseSettings reads. The store keeps
// them as text, one value per key.
const (
	// KeyIssuingBody is the body issuing the report, e.g. "Hội đồng thẩm định
	// Chỉ số CCHC thành phố"; printed in bold capitals.
	KeyIssuingBody = "issuing_body"
	// KeyParentBody is the body above it, e.g. "UBND thành phố Hà Nội";
	// printed in capitals above the issuing body. Optional.
	KeyParentBody = "parent_body"
	// KeyNumber is the report's number and symbol, e.g. "05/BC-HĐTĐ"; a
	// number below 10 gets a leading zero when printed.
	KeyNumber = "number"
	// KeyPlace is the place name of the date line, e.g. "Hà Nội".
	KeyPlace = "place"
	// KeyDate is the report's date as YYYY-MM-DD. Required by the reports.
	KeyDate = "date"
	// KeySignedAt is the signing time as RFC 3339, printed on appendices.
	// Optional: the date at 00:00 +07:00 by default.
	KeySignedAt = "signed_at"
	// KeySignerAuthority is the line above the signer's title, "TM. HỘI ĐỒNG"
	// by default.
	KeySignerAuthority = "signer_authority"
	// KeySignerTitle is the signer's title, "CHỦ TỊCH" by default.
	KeySignerTitle = "signer_title"
	// KeySignerName is the signer's full name.
	KeySignerName = "signer_name"
	// KeyRecipients is the distribution list, one recipient per line (a
	// leading "- " is dropped). "Lưu: VT." is added when no line starts with
	// "Lưu".
	KeyRecipients = "recipients"
	// KeyOpening is the opening paragraph of the summary report. Optional.
	KeyOpening = "opening"
	// KeySummary is the summary line (trích yếu) of the summary report.
	// Optional: "Kết quả xác định Chỉ số cải cách hành chính năm 2024" by
	// default.
	KeySummary = "summary"
)

// Vietnam's time zone (UTC+07:00), fixed: Vietnam has no daylight saving.
var vietnam = time.FixedZone("+07", 7*3600)

// Settings are the period's document settings: who issues the reports, their
// number, place, date, signer and distribution list.
type Settings struct {
	IssuingBody     string    // the issuing body, any case (printed in capitals); key issuing_body
	ParentBody      string    // the body above it, optional; key parent_body
	Number          string    // number and symbol, "05/BC-HĐTĐ"; key number
	Place           string    // place of the date line, "Hà Nội"; key place
	Date            time.Time // the document date (a day, in +07:00); key date
	SignedAt        time.Time // optional signing time printed on appendices; key signed_at
	SignerAuthority string    // "TM. HỘI ĐỒNG" by default; key signer_authority
	SignerTitle     string    // "CHỦ TỊCH" by default; key signer_title
	SignerName      string    // the signer's full name; key signer_name
	Recipients      []string  // the distribution list without the leading "- "; key recipients
	Opening         string    // the summary's opening paragraph(s), optional; key opening
	Summary         string    // the summary report's summary line, optional; key summary
}

// ParseSettings reads Settings from the period settings map (see the Key
// constants). Unknown keys are ignored; a malformed date is an error; a
// missing date leaves Date zero (the reports then refuse to build).
func ParseSettings(m map[string]string) (Settings, error) {
	get := func(k string) string { return nfc(strings.TrimSpace(m[k])) }
	s := Settings{
		IssuingBody:     get(KeyIssuingBody),
		ParentBody:      get(KeyParentBody),
		Number:          get(KeyNumber),
		Place:           get(KeyPlace),
		SignerAuthority: get(KeySignerAuthority),
		SignerTitle:     get(KeySignerTitle),
		SignerName:      get(KeySignerName),
		Opening:         get(KeyOpening),
		Summary:         get(KeySummary),
	}
	if d := get(KeyDate); d != "" {
		t, err := time.ParseInLocation("2006-01-02", d, vietnam)
		if err != nil {
			return s, fmt.Errorf("settings: %s %q is not a date YYYY-MM-DD", KeyDate, d)
		}
		s.Date = t
	}
	if d := get(KeySignedAt); d != "" {
		t, err := time.Parse(time.RFC3339, d)
		if err != nil {
			return s, fmt.Errorf("settings: %s %q is not an RFC 3339 time", KeySignedAt, d)
		}
		s.SignedAt = t
	}
	for _, line := range strings.Split(m[KeyRecipients], "\n") {
		line = strings.TrimSpace(nfc(line))
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(line, "-"), "–"))
		if line != "" {
			s.Recipients = append(s.Recipients, line)
		}
	}
	return s, nil
}

// Map writes the settings back as the period settings map that ParseSettings
// reads; empty values are left out.
func (s Settings) Map() map[string]string {
	m := map[string]string{}
	put := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	put(KeyIssuingBody, s.IssuingBody)
	put(KeyParentBody, s.ParentBody)
	put(KeyNumber, s.Number)
	put(KeyPlace, s.Place)
	if !s.Date.IsZero() {
		put(KeyDate, s.Date.Format("2006-01-02"))
	}
	if !s.SignedAt.IsZero() {
		put(KeySignedAt, s.SignedAt.Format(time.RFC3339))
	}
	put(KeySignerAuthority, s.SignerAuthority)
	put(KeySignerTitle, s.SignerTitle)
	put(KeySignerName, s.SignerName)
	put(KeyRecipients, strings.Join(s.Recipients, "\n"))
	put(KeyOpening, s.Opening)
	put(KeySummary, s.Summary)
	return m
}

// SettingKeys lists the keys ParseSettings reads, sorted.
func SettingKeys() []string {
	k := []string{KeyIssuingBody, KeyParentBody, KeyNumber, KeyPlace, KeyDate, KeySignedAt,
		KeySignerAuthority, KeySignerTitle, KeySignerName, KeyRecipients, KeyOpening, KeySummary}
	sort.Strings(k)
	return k
}

// withDefaults fills the settings a report cannot go without.
func (s Settings) withDefaults() Settings {
	if s.IssuingBody == "" {
		s.IssuingBody = "Hội đồng thẩm định Chỉ số cải cách hành chính"
	}
	if s.SignerAuthority == "" {
		s.SignerAuthority = "TM. HỘI ĐỒNG"
	}
	if s.SignerTitle == "" {
		s.SignerTitle = "CHỦ TỊCH"
	}
	hasArchive := false
	for _, r := range s.Recipients {
		if strings.HasPrefix(r, "Lưu") {
			hasArchive = true
		}
	}
	if !hasArchive {
		s.Recipients = append(append([]string(nil), s.Recipients...), "Lưu: VT.")
	}
	return s
}

// Provenance ties a report to the data it shows: the digest of the results
// (ResultsDigest, "sha256:<hex>") and the head of the store's audit chain. It
// must be printable ASCII without spaces or semicolons.
type Provenance struct {
	ResultsDigest string `json:"results_digest"` // "sha256:<hex>", from ResultsDigest
	AuditHead     string `json:"audit_head"`     // the head of the store's audit chain
}

// Input is what every report is built from.
type Input struct {
	Snapshot *index.Snapshot // the period's data: frameworks, units, members, scores
	Result   *index.Result   // index.Compute(Snapshot)
	Settings Settings        // the period's document settings
	// Previous is the previous period's result, optional: when set the
	// ranking tables show each unit's change.
	Previous *index.Result
	// Provenance is printed on the reports. An empty ResultsDigest is
	// computed from Result; a given one must match it.
	Provenance Provenance
}

// check refuses an input the reports cannot be built from.
func (in *Input) check() error {
	if in.Snapshot == nil {
		return errors.New("report: no snapshot")
	}
	if in.Result == nil {
		return errors.New("report: no result")
	}
	if in.Settings.Date.IsZero() {
		return fmt.Errorf("report: the document date is not set (setting %q, YYYY-MM-DD)", KeyDate)
	}
	return checkProvenance(in.Provenance)
}
