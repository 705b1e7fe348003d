package report

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"parindex/index"
)

// Fixed texts of an administrative document.
const (
	nationText   = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	mottoText    = "Độc lập - Tự do - Hạnh phúc"
	recipientsVI = "Nơi nhận:"
	dash         = "—" // an empty or missing value in a table
)

// nfc returns s in Unicode NFC.
func nfc(s string) string {
	if norm.NFC.IsNormalString(s) {
		return s
	}
	return norm.NFC.String(s)
}

// upper returns s in capitals (Vietnamese letters included), in NFC.
func upper(s string) string { return nfc(strings.ToUpper(nfc(s))) }

// placeDate prints "Hà Nội, ngày 05 tháng 02 năm 2025": day and month below
// 10 with a leading zero.
func placeDate(place string, d time.Time) string {
	s := fmt.Sprintf("ngày %02d tháng %02d năm %d", d.Day(), int(d.Month()), d.Year())
	if place == "" {
		return upperFirst(s)
	}
	return place + ", " + s
}

// upperFirst capitalises the first letter of s.
func upperFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// lowerFirst puts the first letter of s in lower case.
func lowerFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToLower(r)) + s[i+len(string(r)):]
	}
	return s
}

// dayMonthYear prints a date as 05/02/2025.
func dayMonthYear(d time.Time) string { return d.Format("02/01/2006") }

// padNumber gives the leading number of a document number ("5/BC-HĐTĐ") a
// leading zero when it is below 10: "05/BC-HĐTĐ".
func padNumber(n string) string {
	i := 0
	for i < len(n) && n[i] >= '0' && n[i] <= '9' {
		i++
	}
	if i == 1 {
		return "0" + n
	}
	return n
}

// numberLine prints "Số: 05/BC-HĐTĐ", or "Số:      /BC-HĐTĐ" style blanks
// when no number is set.
func numberLine(n string) string {
	if n == "" {
		return "Số:        /BC-HĐTĐ"
	}
	return "Số: " + padNumber(n)
}

// periodText prints the period as in "năm 2024" or "6 tháng đầu năm 2024".
func periodText(p index.Period) string {
	if p.Round == index.MidYear {
		return fmt.Sprintf("6 tháng đầu năm %d", p.Year)
	}
	return fmt.Sprintf("năm %d", p.Year)
}

// roleVI names a council role in Vietnamese.
func roleVI(r index.Role) string {
	switch r {
	case index.Chair:
		return "Chủ tịch Hội đồng"
	case index.ViceChair:
		return "Phó Chủ tịch Hội đồng"
	case index.Secretary:
		return "Thư ký (Tổ giúp việc)"
	default:
		return "Thành viên"
	}
}

// methodVI names a scoring method in Vietnamese.
func methodVI(m index.Method) string {
	switch m {
	case index.Appraisal:
		return "thẩm định"
	case index.Survey:
		return "điều tra xã hội học"
	case index.Bonus:
		return "điểm thưởng"
	case index.Penalty:
		return "điểm trừ"
	}
	return string(m)
}

// pts prints points the Vietnamese way: "92,76".
func pts(p index.Points) string { return p.VI() }

// pct prints a percentage the Vietnamese way: "92,76".
func pct(p index.Percent) string { return p.VI() }

// signedPct prints a change of percentage: "+1,25", "-0,50", "0,00".
func signedPct(p index.Percent) string {
	if p > 0 {
		return "+" + p.VI()
	}
	return p.VI()
}

// bandText prints a unit's band, or a dash when it reaches none.
func bandText(b string) string {
	if b == "" {
		return dash
	}
	return b
}

// initials abbreviates a person's name: "Nguyễn Văn An" gives "NVA".
func initials(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(nfc(name)) {
		for _, r := range w {
			b.WriteRune(unicode.ToUpper(r))
			break
		}
	}
	return b.String()
}

// bandsText describes a framework's bands: "A: từ 90,00 %; B: từ 80,00 %".
func bandsText(bands []index.Band) string {
	if len(bands) == 0 {
		return "không phân loại"
	}
	parts := make([]string, len(bands))
	for i, b := range bands {
		if i == 0 {
			parts[i] = fmt.Sprintf("%s: từ %s %% trở lên", b.Label, pct(b.Min))
		} else {
			parts[i] = fmt.Sprintf("%s: từ %s %% đến dưới %s %%", b.Label, pct(b.Min), pct(bands[i-1].Min))
		}
	}
	return strings.Join(parts, "; ")
}

// signingTime prints the appendix's signing time in ISO 8601 with +07:00.
func signingTime(s Settings) string {
	t := s.SignedAt
	if t.IsZero() {
		t = time.Date(s.Date.Year(), s.Date.Month(), s.Date.Day(), 0, 0, 0, 0, vietnam)
	}
	return t.In(vietnam).Format("2006-01-02T15:04:05-07:00")
}
