package exchange_test

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"parindex/data"
	"parindex/demo"
	"parindex/exchange"
	"parindex/identity"
	"parindex/index"
)

// Figures on the 2-core development machine, shared with other builds (load
// about 6), go test -run '^$' -bench 'MergeReturn|ReadReturn|ExportPackage' ./exchange/:
//
//	ExportPackageCity/TV02 (0.71 MiB package, city demo, 250 units)   32 ms
//	ExportPackageCity/TV05 (0.76 MiB)                                   31 ms
//	MergeReturn30k      (30,000 scores all changed: 30,000 updates)   420 ms
//	MergeReturn30kFirst (30,000 scores added)                          365 ms
//	MergeReturn30kUnchanged (30,000 scores, none changed)              140 ms
//	ReadReturn30k       (3 MiB file: strict reading and signature)      58 ms

var benchTime = time.Date(2025, 2, 5, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))

// BenchmarkExportPackageCity exports member packages of the city-scale demo
// (250 units in 3 blocks): TV02 appraises fields 1 and 9 of every block,
// TV05 fields 4 and 5.
func BenchmarkExportPackageCity(b *testing.B) {
	ds, err := demo.Generate(demo.City, 1)
	if err != nil {
		b.Fatal(err)
	}
	s, err := data.Open(filepath.Join(b.TempDir(), "city.parindex"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	period, err := ds.Install(s)
	if err != nil {
		b.Fatal(err)
	}
	for _, member := range []string{"TV02", "TV05"} {
		b.Run(member, func(b *testing.B) {
			var size int64
			for b.Loop() {
				var buf bytes.Buffer
				if _, err := exchange.ExportPackage(s, period, member, &buf, benchTime); err != nil {
					b.Fatal(err)
				}
				size = int64(buf.Len())
			}
			b.ReportMetric(float64(size)/(1<<20), "MiB/package")
		})
	}
}

// mergeCouncil is a council of 560 communes in one block whose member M
// appraises every field: 30,000 of its 30,800 unit × leaf items make a return.
type mergeCouncil struct {
	s      *data.Store
	period int64
	ws     data.WorkspaceInfo
	id     *identity.Identity
	items  []index.AppraisalScore
	maxOf  map[string]index.Points
}

func newMergeCouncil(tb testing.TB, n int) *mergeCouncil {
	tb.Helper()
	fw, err := demo.LoadSample("xa-phuong-2025")
	if err != nil {
		tb.Fatal(err)
	}
	s, err := data.Open(filepath.Join(tb.TempDir(), "merge.parindex"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if err := s.SaveFramework(fw); err != nil {
		tb.Fatal(err)
	}
	period, err := s.CreatePeriod(index.Period{Year: 2025, Round: index.FullYear})
	if err != nil {
		tb.Fatal(err)
	}
	batch := &data.Batch{Blocks: []index.Block{{Code: "XP", Name: "UBND xã, phường", Framework: fw.Code}},
		Members: []index.CouncilMember{{ID: "M", Name: "Thành viên", Role: index.Member}}}
	for _, f := range fw.Fields {
		batch.Assignments = append(batch.Assignments, index.Assignment{Member: "M", Block: "XP", Field: f.Code})
	}
	c := &mergeCouncil{s: s, period: period, maxOf: map[string]index.Points{}}
	for u := 0; len(c.items) < n; u++ {
		code := fmt.Sprintf("XP-%04d", u+1)
		batch.Units = append(batch.Units, index.Unit{Code: code, Name: "UBND xã " + code, Block: "XP", Active: true})
		for _, l := range fw.Leaves() {
			if l.Method == index.Survey || len(c.items) == n {
				continue
			}
			c.items = append(c.items, index.AppraisalScore{Member: "M", Unit: code, Criterion: l.Code, Round: 1})
			c.maxOf[l.Code] = l.Max
		}
	}
	if _, err := s.Apply(period, batch); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.PreparePackage(period, "M"); err != nil { // gives the council its ID
		tb.Fatal(err)
	}
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	c.id = &identity.Identity{Private: priv, Public: priv.Public().(ed25519.PublicKey)}
	if err := s.EnrolMemberKey(period, "M", "", c.id.Public, "bench"); err != nil {
		tb.Fatal(err)
	}
	if c.ws, err = s.Workspace(); err != nil {
		tb.Fatal(err)
	}
	return c
}

// returnFile makes version v of M's return: every item at its max for odd
// versions, at zero for even ones, so that each merge changes every score.
func (c *mergeCouncil) returnFile(tb testing.TB, v int64) []byte {
	tb.Helper()
	return c.returnFileOf(tb, "M", v)
}

// returnFileOf makes version v of a member's return.
func (c *mergeCouncil) returnFileOf(tb testing.TB, member string, v int64) []byte {
	tb.Helper()
	p, err := c.s.Period(c.period)
	if err != nil {
		tb.Fatal(err)
	}
	scores := make([]index.AppraisalScore, len(c.items))
	for i, it := range c.items {
		it.Points = 0
		if v%2 == 1 {
			it.Points = c.maxOf[it.Criterion]
		}
		scores[i] = it
	}
	for i := range scores {
		scores[i].Member = member
	}
	rc := &data.ReturnContent{CouncilID: c.ws.CouncilID, Period: p, Round: 1, Member: member, Version: v, Scores: scores}
	var buf bytes.Buffer
	if _, err := exchange.WriteReturn(&buf, rc, c.id, benchTime); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkMergeReturn30k reads, verifies and merges a signed return of
// 30,000 scores, each of which changes a score the council file holds
// (30,000 updates and 30,000 audit entries in one transaction).
func BenchmarkMergeReturn30k(b *testing.B) {
	c := newMergeCouncil(b, 30000)
	first := c.returnFile(b, 1)
	if rep, err := exchange.MergeReturn(c.s, bytes.NewReader(first), "v1", false); err != nil || rep.Added != 30000 {
		b.Fatalf("first merge: %+v %v", rep, err)
	}
	b.ReportMetric(float64(len(first))/(1<<20), "MiB/return")
	v := int64(1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		v++
		f := c.returnFile(b, v)
		b.StartTimer()
		rep, err := exchange.MergeReturn(c.s, bytes.NewReader(f), "r", false)
		if err != nil || rep.Changed != 30000 {
			b.Fatalf("merge %d: %+v %v", v, rep, err)
		}
	}
}

// BenchmarkMergeReturn30kFirst merges a member's first return of 30,000
// scores: 30,000 inserts and their audit entries. Each round adds a member
// assigned every field, with an enrolled key.
func BenchmarkMergeReturn30kFirst(b *testing.B) {
	c := newMergeCouncil(b, 30000)
	as, err := c.s.Assignments(c.period)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		m := fmt.Sprintf("N%d", i)
		if err := c.s.SaveMember(c.period, index.CouncilMember{ID: m, Name: "Thành viên " + m}); err != nil {
			b.Fatal(err)
		}
		var mine []index.Assignment
		for _, a := range as {
			if a.Member == "M" {
				mine = append(mine, index.Assignment{Block: a.Block, Field: a.Field})
			}
		}
		if err := c.s.SetAssignments(c.period, m, mine); err != nil {
			b.Fatal(err)
		}
		if err := c.s.EnrolMemberKey(c.period, m, "", c.id.Public, "bench"); err != nil {
			b.Fatal(err)
		}
		for j := range c.items {
			c.items[j].Member = m
		}
		f := c.returnFileOf(b, m, 1)
		b.StartTimer()
		rep, err := exchange.MergeReturn(c.s, bytes.NewReader(f), "r", false)
		if err != nil || rep.Added != 30000 {
			b.Fatalf("merge of %s: %+v %v", m, rep, err)
		}
	}
}

// BenchmarkMergeReturn30kUnchanged merges the same 30,000 scores again
// under a new version: nothing to write but the record of the return.
func BenchmarkMergeReturn30kUnchanged(b *testing.B) {
	c := newMergeCouncil(b, 30000)
	v := int64(1)
	if _, err := exchange.MergeReturn(c.s, bytes.NewReader(c.returnFile(b, v)), "v1", false); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		v += 2 // odd versions: the same points
		f := c.returnFile(b, v)
		b.StartTimer()
		rep, err := exchange.MergeReturn(c.s, bytes.NewReader(f), "r", false)
		if err != nil || rep.Unchanged != 30000 {
			b.Fatalf("merge %d: %+v %v", v, rep, err)
		}
	}
}

// BenchmarkReadReturn30k is the file part alone: strict reading and the
// signature check.
func BenchmarkReadReturn30k(b *testing.B) {
	c := newMergeCouncil(b, 30000)
	f := c.returnFile(b, 1)
	for b.Loop() {
		if _, err := exchange.ReadReturn(bytes.NewReader(f), "r"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMergeCouncilSmall runs the benchmark's council at a small size, so
// that a change that breaks the benchmark fails the tests.
func TestMergeCouncilSmall(t *testing.T) {
	c := newMergeCouncil(t, 300)
	for v := int64(1); v <= 3; v++ {
		rep, err := exchange.MergeReturn(c.s, bytes.NewReader(c.returnFile(t, v)), "r", false)
		if err != nil || rep.Added+rep.Changed != 300 {
			t.Fatalf("version %d: %+v %v", v, rep, err)
		}
	}
	if _, err := exchange.ExportPackage(c.s, c.period, "M", io.Discard, benchTime); err != nil {
		t.Fatal(err)
	}
}
