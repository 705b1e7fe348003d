package data

import (
	"database/sql"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"parindex/index"
)

// colType is how a column is bound, scanned and written into an audit value.
type colType int

const (
	cText     colType = iota // TEXT NOT NULL
	cInt                     // INTEGER
	cPoints                  // INTEGER hundredths of a point
	cPercent                 // INTEGER hundredths of a percent
	cBool                    // INTEGER 0 or 1
	cNullText                // TEXT, NULL when empty
	cBlob                    // BLOB, NULL when empty
	cJSON                    // TEXT holding JSON, embedded as is in audit values
)

// col is one column of an audited table.
type col struct {
	name string
	typ  colType
}

// kind describes one audited table: its key columns, its value columns, and
// the SQL the generic writer and the audit verifier run on it.
type kind struct {
	name   string // entity prefix and action prefix, e.g. "appraisal"
	table  string
	period bool   // the first key is period_id
	order  string // ORDER BY for listings
	keys   []col
	vals   []col

	upsertSQL, deleteSQL, getSQL, listSQL, allSQL string
}

func newKind(name, table string, period bool, order string, keys, vals []col) *kind {
	k := &kind{name: name, table: table, period: period, order: order, keys: keys, vals: vals}
	var keyNames, valNames []string
	if period {
		keyNames = append(keyNames, "period_id")
	}
	for _, c := range keys {
		keyNames = append(keyNames, c.name)
	}
	for _, c := range vals {
		valNames = append(valNames, c.name)
	}
	all := append(append([]string(nil), keyNames...), valNames...)
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(all)), ", ")
	k.upsertSQL = fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO ",
		table, strings.Join(all, ", "), marks, strings.Join(keyNames, ", "))
	if len(vals) == 0 {
		k.upsertSQL += "NOTHING"
	} else {
		var set []string
		for _, v := range valNames {
			set = append(set, v+" = excluded."+v)
		}
		k.upsertSQL += "UPDATE SET " + strings.Join(set, ", ")
	}
	var where []string
	for _, n := range keyNames {
		where = append(where, n+" = ?")
	}
	k.deleteSQL = fmt.Sprintf("DELETE FROM %s WHERE %s", table, strings.Join(where, " AND "))
	sel := "1"
	if len(vals) > 0 {
		sel = strings.Join(valNames, ", ")
	}
	k.getSQL = fmt.Sprintf("SELECT %s FROM %s WHERE %s", sel, table, strings.Join(where, " AND "))
	if order == "" {
		order = strings.Join(keyNames, ", ")
	}
	k.order = order
	listCols := strings.Join(all, ", ")
	if period {
		k.listSQL = fmt.Sprintf("SELECT %s FROM %s WHERE period_id = ? ORDER BY %s", listCols, table, order)
	} else {
		k.listSQL = fmt.Sprintf("SELECT %s FROM %s ORDER BY %s", listCols, table, order)
	}
	k.allSQL = fmt.Sprintf("SELECT %s FROM %s", listCols, table)
	return k
}

// The audited tables.
var (
	kFramework = newKind("framework", "frameworks", false, "",
		[]col{{"code", cText}, {"version", cInt}},
		[]col{{"name", cText}, {"year", cInt}, {"sample", cBool}, {"total", cPoints}, {"leaves", cInt}, {"body", cJSON}})
	kPeriod = newKind("period", "periods", false, "",
		[]col{{"id", cInt}},
		[]col{{"year", cInt}, {"round", cText}, {"name", cText}, {"rule", cText}, {"threshold", cPercent},
			{"finalized", cBool}, {"finalized_at", cText}, {"results_digest", cText}, {"audit_head", cText}})
	kSetting = newKind("setting", "period_settings", true, "",
		[]col{{"key", cText}},
		[]col{{"value", cText}})
	kBlock = newKind("block", "blocks", true, "seq",
		[]col{{"code", cText}},
		[]col{{"name", cText}, {"framework_code", cText}, {"framework_version", cInt}})
	kUnit = newKind("unit", "units", true, "seq",
		[]col{{"code", cText}},
		[]col{{"name", cText}, {"block", cText}, {"active", cBool}})
	kMember = newKind("member", "members", true, "seq",
		[]col{{"id", cText}},
		[]col{{"name", cText}, {"role", cText}, {"organisation", cText}, {"key_fingerprint", cNullText}, {"public_key", cBlob}})
	kAssignment = newKind("assignment", "assignments", true, "",
		[]col{{"member", cText}, {"block", cText}, {"field", cText}},
		nil)
	kSelf = newKind("self", "self_scores", true, "",
		[]col{{"unit", cText}, {"criterion", cText}},
		[]col{{"points", cPoints}, {"evidence", cText}, {"explanation", cText}})
	kAppraisal = newKind("appraisal", "appraisals", true, "",
		[]col{{"unit", cText}, {"criterion", cText}, {"member", cText}, {"round", cInt}},
		[]col{{"points", cPoints}, {"reason", cText}})
	kDecision = newKind("decision", "decisions", true, "",
		[]col{{"unit", cText}, {"criterion", cText}},
		[]col{{"points", cPoints}, {"reason", cText}, {"votes_for", cInt}})
	kSurvey = newKind("survey", "survey_scores", true, "",
		[]col{{"unit", cText}, {"criterion", cText}},
		[]col{{"points", cPoints}})
	kNA = newKind("na", "not_applicable", true, "",
		[]col{{"unit", cText}, {"criterion", cText}},
		[]col{{"reason", cText}})

	// kinds lists every audited table, parents before children.
	kinds = []*kind{kFramework, kPeriod, kSetting, kBlock, kUnit, kMember, kAssignment,
		kSelf, kAppraisal, kDecision, kSurvey, kNA}
)

// rec is one row of an audited table. Keys and values hold string, int64
// or bool ([]byte for cBlob), in the order of the kind's columns.
type rec struct {
	k      *kind
	period int64
	key    []any
	val    []any
	ent    string // the entity, once computed by withEntity
}

// withEntity returns r with its entity computed once.
func (r rec) withEntity() rec {
	if r.ent == "" {
		r.ent = r.entity()
	}
	return r
}

// escapeKey makes a key part safe to join with "/".
var escapeKey = strings.NewReplacer("%", "%25", "/", "%2F")

// entity is the row's audit key, e.g. "appraisal/1/U001/1.2.1/m01/1".
func (r rec) entity() string {
	if r.ent != "" {
		return r.ent
	}
	b := make([]byte, 0, 48)
	b = append(b, r.k.name...)
	if r.k.period {
		b = append(b, '/')
		b = strconv.AppendInt(b, r.period, 10)
	}
	for _, v := range r.key {
		b = append(b, '/')
		switch v := v.(type) {
		case string:
			if strings.ContainsAny(v, "%/") {
				v = escapeKey.Replace(v)
			}
			b = append(b, v...)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		default:
			b = fmt.Append(b, v)
		}
	}
	return string(b)
}

// value is the row's canonical JSON: its value columns in schema order.
func (r rec) value() string {
	b := make([]byte, 0, 64)
	b = append(b, '{')
	for i, c := range r.k.vals {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, c.name)
		b = append(b, ':')
		switch c.typ {
		case cText, cNullText:
			b = appendJSONString(b, r.val[i].(string))
		case cInt:
			b = strconv.AppendInt(b, r.val[i].(int64), 10)
		case cPoints:
			b = append(b, index.Points(r.val[i].(int64)).String()...)
		case cPercent:
			b = append(b, index.Percent(r.val[i].(int64)).String()...)
		case cBool:
			b = strconv.AppendBool(b, r.val[i].(bool))
		case cBlob:
			p, _ := r.val[i].([]byte)
			if len(p) == 0 {
				b = append(b, "null"...)
			} else {
				b = appendJSONString(b, base64.StdEncoding.EncodeToString(p))
			}
		case cJSON:
			b = append(b, r.val[i].(string)...)
		}
	}
	b = append(b, '}')
	return string(b)
}

// args returns the bind arguments for the kind's upsert: keys then values.
func (r rec) args() []any {
	out := make([]any, 0, 1+len(r.key)+len(r.val))
	out = append(out, r.keyArgs()...)
	for i, c := range r.k.vals {
		out = append(out, bindValue(c.typ, r.val[i]))
	}
	return out
}

// keyArgs returns the bind arguments that select the row.
func (r rec) keyArgs() []any {
	out := make([]any, 0, 1+len(r.key))
	if r.k.period {
		out = append(out, r.period)
	}
	for i, c := range r.k.keys {
		out = append(out, bindValue(c.typ, r.key[i]))
	}
	return out
}

func bindValue(t colType, v any) any {
	switch t {
	case cBool:
		if v.(bool) {
			return int64(1)
		}
		return int64(0)
	case cNullText:
		if v.(string) == "" {
			return nil
		}
	case cBlob:
		if p, _ := v.([]byte); len(p) == 0 {
			return nil
		}
	}
	return v
}

// scanDest returns scan targets for the columns.
func scanDest(cols []col) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		switch c.typ {
		case cText, cJSON:
			out[i] = new(string)
		case cInt, cPoints, cPercent, cBool:
			out[i] = new(int64)
		case cNullText:
			out[i] = new(sql.NullString)
		case cBlob:
			out[i] = new([]byte)
		}
	}
	return out
}

// scanned converts scan targets back to rec values.
func scanned(cols []col, dest []any) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		switch c.typ {
		case cText, cJSON:
			out[i] = *dest[i].(*string)
		case cInt, cPoints, cPercent:
			out[i] = *dest[i].(*int64)
		case cBool:
			out[i] = *dest[i].(*int64) != 0
		case cNullText:
			out[i] = dest[i].(*sql.NullString).String
		case cBlob:
			out[i] = append([]byte(nil), *dest[i].(*[]byte)...)
		}
	}
	return out
}

// scanRows reads rows of (period_id?, keys..., vals...) into recs, calling fn for each.
func scanRows(k *kind, rows *sql.Rows, fn func(rec) error) error {
	defer rows.Close()
	var cols []col
	if k.period {
		cols = append(cols, col{"period_id", cInt})
	}
	cols = append(cols, k.keys...)
	cols = append(cols, k.vals...)
	dest := scanDest(cols)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		v := scanned(cols, dest)
		r := rec{k: k}
		if k.period {
			r.period = v[0].(int64)
			v = v[1:]
		}
		r.key = v[:len(k.keys)]
		r.val = v[len(k.keys):]
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// appendJSONString appends s as a JSON string, escaping only what JSON requires.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// clean returns s as valid UTF-8 in Unicode NFC without surrounding spaces.
// Every text that enters the store goes through it.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.TrimSpace(norm.NFC.String(s))
}

// cleanCode is clean, for codes and identifiers.
func cleanCode(s string) string { return clean(s) }
