package data

import (
	"bytes"
	"database/sql"
	"strings"
	"testing"

	"parindex/index"
)

func TestVerifyAudit(t *testing.T) {
	tests := []struct {
		name     string
		tamper   string // SQL run behind the program's back
		brokenAt bool   // the hash chain breaks
		want     string // in the report
	}{
		{"untouched", "", false, ""},
		{"score updated", `UPDATE appraisals SET points = 200 WHERE unit = 'U1' AND criterion = '1.2.1'`, false,
			"appraisal/1/U1/1.2.1/m3/1: row holds {\"points\":2.00,\"reason\":\"\"} but the audit log says {\"points\":1.25,\"reason\":\"\"}"},
		{"score inserted", `INSERT INTO appraisals VALUES (1, 'U2', '1.1', 'm4', 1, 200, '')`, false,
			"appraisal/1/U2/1.1/m4/1: row exists ({\"points\":2.00,\"reason\":\"\"}) but the audit log never recorded it"},
		{"score deleted", `DELETE FROM self_scores WHERE unit = 'U1'`, false,
			"self/1/U1/1.1: row is missing but the audit log says"},
		{"unit renamed", `UPDATE units SET name = 'Sở khác' WHERE code = 'U2'`, false, "unit/1/U2: row holds"},
		{"framework edited", `UPDATE frameworks SET body = replace(body, '"max":2.00', '"max":3.00')`, false, "framework/fw/1: row holds"},
		{"audit new value edited", `UPDATE audit SET new = '{"points":1.50,"reason":""}' WHERE entity = 'appraisal/1/U1/1.2.1/m3/1'`, true,
			"does not match its hash"},
		{"audit reason edited", `UPDATE audit SET reason = 'khác' WHERE id = 3`, true, "audit entry 3: does not match its hash"},
		{"audit row deleted", `DELETE FROM audit WHERE id = 5`, true, "audit entry 5: missing: the log jumps from entry 4 to entry 6"},
		{"last audit row deleted", `DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)`, false,
			"row exists"},
		{"audit rows swapped", `UPDATE audit SET id = -1 WHERE id = 7; UPDATE audit SET id = 7 WHERE id = 8; UPDATE audit SET id = 8 WHERE id = -1`, true,
			"audit entry 7: does not match its hash"},
		{"audit row inserted", `INSERT INTO audit SELECT max(id) + 1, tx, action, entity, old, new, reason, hash FROM audit`, true,
			"does not match its hash"},
		{"audit actor edited", `UPDATE audit_tx SET actor = 'người khác' WHERE id = 2`, true,
			"does not match its hash"},
		{"audit time edited", `UPDATE audit_tx SET at = '2025-01-01T00:00:00+07:00' WHERE id = (SELECT max(id) FROM audit_tx)`, true,
			"does not match its hash"},
		{"audit transaction deleted", `PRAGMA foreign_keys = OFF; DELETE FROM audit_tx WHERE id = 3`, true,
			"its transaction record 3 (who and when) is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			_, err := f.s.Apply(f.period, goodBatch())
			must(t, err)
			must(t, f.s.SetAppraisal(f.period, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.2.1", Round: 1, Points: 125}))
			clean := verifyOK(t, f.s)
			if clean.Entries != auditCount(t, f.s) || len(clean.Head) != 64 {
				t.Fatalf("report %+v", clean)
			}
			head, err := f.s.AuditHead()
			must(t, err)
			if head != clean.Head {
				t.Errorf("AuditHead %s, report head %s", head, clean.Head)
			}
			if tt.tamper == "" {
				return
			}
			db := rawDB(t, f.s.Path())
			if _, err := db.Exec(tt.tamper); err != nil {
				t.Fatal(err)
			}
			rep, err := f.s.VerifyAudit()
			must(t, err)
			if rep.OK() {
				t.Fatalf("tampering not found: %+v", rep)
			}
			t.Logf("report:\n%s", rep)
			if (rep.BrokenAt != 0) != tt.brokenAt {
				t.Errorf("BrokenAt %d (%s), want broken %v", rep.BrokenAt, rep.ChainProblem, tt.brokenAt)
			}
			if !strings.Contains(rep.String(), tt.want) {
				t.Errorf("report:\n%s\nwant it to say %q", rep, tt.want)
			}
		})
	}
}

// TestAuditCoversEveryTable checks that every table but the bookkeeping ones
// is audited, so a new migration cannot add an unaudited table by accident.
func TestAuditCoversEveryTable(t *testing.T) {
	s := openTest(t)
	rows, err := s.db.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	must(t, err)
	defer rows.Close()
	audited := map[string]bool{"schema_migrations": true, "audit": true, "audit_tx": true}
	for _, k := range kinds {
		audited[k.table] = true
	}
	for rows.Next() {
		var n string
		must(t, rows.Scan(&n))
		if !audited[n] {
			t.Errorf("table %s is not audited", n)
		}
	}
}

func TestChainHashIsUnambiguous(t *testing.T) {
	a := chainHash(nil, 1, 1, "t", "ab", "c", "e", "", "", "")
	b := chainHash(nil, 1, 1, "t", "a", "bc", "e", "", "", "")
	if bytes.Equal(a, b) {
		t.Error("moving a byte between fields keeps the hash")
	}
	if bytes.Equal(chainHash([]byte("x"), 1, 1, "t", "a", "b", "e", "o", "n", "r"), chainHash([]byte("y"), 1, 1, "t", "a", "b", "e", "o", "n", "r")) {
		t.Error("the previous hash is not covered")
	}
	if bytes.Equal(chainHash(nil, 1, 1, "t", "a", "b", "e", "o", "n", "r"), chainHash(nil, 1, 2, "t", "a", "b", "e", "o", "n", "r")) {
		t.Error("the transaction is not covered")
	}
}

// integrity runs PRAGMA integrity_check.
func integrity(t testing.TB, db *sql.DB) {
	t.Helper()
	var res string
	must(t, db.QueryRow(`PRAGMA integrity_check`).Scan(&res))
	if res != "ok" {
		t.Fatalf("integrity_check: %s", res)
	}
}

func TestEntityEscaping(t *testing.T) {
	f := newFixture(t)
	must(t, f.s.SaveUnit(f.period, index.Unit{Code: "UBND/Q1", Name: "Quận 1", Block: "so", Active: true}))
	must(t, f.s.SaveUnit(f.period, index.Unit{Code: "UBND%2FQ1", Name: "Mã lạ", Block: "so", Active: true}))
	must(t, f.s.SetSelf(f.period, index.SelfScore{Unit: "UBND/Q1", Criterion: "1.1", Points: 100}))
	for _, want := range []string{"unit/1/UBND%2FQ1", "unit/1/UBND%252FQ1", "self/1/UBND%2FQ1/1.1"} {
		es, err := f.s.AuditEntries(AuditFilter{EntityPrefix: want})
		must(t, err)
		if len(es) != 1 || es[0].Entity != want {
			t.Errorf("entity %s: %+v", want, es)
		}
	}
	verifyOK(t, f.s)
}

func TestVerifyFinalization(t *testing.T) {
	f := newFixture(t)
	must(t, f.s.SetSelf(f.period, index.SelfScore{Unit: "U1", Criterion: "1.1", Points: 100}))
	must(t, f.s.Finalize(f.period, "sha256:kết quả", "Biên bản số 1"))
	verifyOK(t, f.s)
	db := rawDB(t, f.s.Path())
	// A changed head is both a row that differs from the log and a head that
	// is not the chain's.
	if _, err := db.Exec(`UPDATE periods SET audit_head = 'beef'`); err != nil {
		t.Fatal(err)
	}
	rep, err := f.s.VerifyAudit()
	must(t, err)
	if rep.OK() || len(rep.Finalizations) != 1 || !strings.Contains(rep.String(), "period/1: finalised with audit head beef") {
		t.Errorf("report:\n%s", rep)
	}
}
