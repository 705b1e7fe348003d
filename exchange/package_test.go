package exchange

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"parindex/data"
	"parindex/identity"
	"parindex/index"
)

var updateCorpus = flag.Bool("update-package-corpus", false, "rewrite the seed corpora of the package fuzz targets")

// pkgTime is the fixed creation time of the test files.
var pkgTime = time.Date(2025, 2, 5, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))

// testPackage is a fixed member package over testdata/small.json: two
// units, member TV03 on field 1.
func testPackage(t testing.TB) *data.PackageContent {
	t.Helper()
	f := mustRead(t, []byte(readSmall(t)), "small.json")
	return &data.PackageContent{
		CouncilID: "6f1c2a9e0b7d4c3a8e5f1a2b3c4d5e6f",
		Period: index.Period{ID: 3, Year: 2024, Round: index.FullYear, Name: "Năm 2024", Rule: index.RuleAssigned,
			Threshold: index.DefaultThreshold},
		Round: 1, Sequence: 2,
		Member:      index.CouncilMember{ID: "TV03", Name: "Nguyễn Văn Hùng", Role: index.Member, Organisation: "Sở Tư pháp"},
		Frameworks:  []*index.Framework{f},
		Blocks:      []index.Block{{Code: "SO", Name: "Sở, ngành", Framework: f.Code}},
		Units:       []index.Unit{{Code: "SO-TP", Name: "Sở Tư pháp", Block: "SO", Active: true}, {Code: "SO-TC", Name: "Sở Tài chính", Block: "SO", Active: true}},
		Assignments: []index.Assignment{{Member: "TV03", Block: "SO", Field: "1"}},
		Self: []index.SelfScore{
			{Unit: "SO-TP", Criterion: "1.1.1", Points: 100, Evidence: "Kế hoạch số 12/KH-STP", Explanation: "Đã ban hành đúng hạn"},
			{Unit: "SO-TC", Criterion: "1.1.2", Points: 150},
		},
		NotApplicable: []index.NotApplicable{{Unit: "SO-TC", Criterion: "2.1.2", Reason: "Không phát sinh hồ sơ quá hạn"}},
		Appraisals:    []index.AppraisalScore{{Member: "TV03", Unit: "SO-TP", Criterion: "1.1.1", Round: 1, Points: 75, Reason: "Chậm 2 ngày"}},
		EnrolSecret:   bytes.Repeat([]byte{0x5a}, identity.SecretSize),
		LastReturn:    1,
	}
}

func testIdentity(seed byte) *identity.Identity {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	return &identity.Identity{Private: priv, Public: priv.Public().(ed25519.PublicKey)}
}

// testReturn is a fixed return of member TV03 for testPackage's council.
func testReturn() *data.ReturnContent {
	return &data.ReturnContent{
		CouncilID: "6f1c2a9e0b7d4c3a8e5f1a2b3c4d5e6f",
		Period:    index.Period{ID: 3, Year: 2024, Round: index.FullYear},
		Round:     1, Member: "TV03", Version: 2,
		Scores: []index.AppraisalScore{
			{Member: "TV03", Unit: "SO-TP", Criterion: "1.1.1", Round: 1, Points: 100},
			{Member: "TV03", Unit: "SO-TC", Criterion: "1.1.2", Round: 1, Points: 125, Reason: "Thiếu báo cáo quý"},
		},
		EnrolSecret: bytes.Repeat([]byte{0x5a}, identity.SecretSize),
	}
}

func packageBytes(t testing.TB, pc *data.PackageContent) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := WritePackage(&b, pc, pkgTime); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func returnBytes(t testing.TB, rc *data.ReturnContent, id *identity.Identity) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := WriteReturn(&b, rc, id, pkgTime); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPackageRoundTrip(t *testing.T) {
	pc := testPackage(t)
	b := packageBytes(t, pc)
	if !bytes.HasPrefix(b, []byte(`{"format":"parindex-package","format_version":1,"payload_sha256":"`)) {
		t.Errorf("package starts %q", b[:80])
	}
	if again := packageBytes(t, pc); !bytes.Equal(again, b) {
		t.Error("the same content gives different bytes")
	}
	pkg, err := ReadPackage(bytes.NewReader(b), "TV03.parindex-package")
	if err != nil {
		t.Fatal(err)
	}
	if !pkg.CreatedAt.Equal(pkgTime) || !strings.HasPrefix(pkg.App, "parindex ") || len(pkg.Digest) != 64 {
		t.Errorf("header: %v %q %q", pkg.CreatedAt, pkg.App, pkg.Digest)
	}
	got := pkg.Content
	if !reflect.DeepEqual(got.Frameworks[0].Fields, pc.Frameworks[0].Fields) || got.Frameworks[0].Code != pc.Frameworks[0].Code {
		t.Error("the framework changed")
	}
	got.Frameworks, pc.Frameworks = nil, nil
	if !reflect.DeepEqual(got, pc) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, pc)
	}
}

func TestReturnRoundTrip(t *testing.T) {
	id := testIdentity(1)
	rc := testReturn()
	b := returnBytes(t, rc, id)
	ret, err := ReadReturn(bytes.NewReader(b), "r")
	if err != nil {
		t.Fatal(err)
	}
	m := ret.Merge
	if ret.Fingerprint != id.Fingerprint() || !bytes.Equal(m.PublicKey, id.Public) || m.Version != 2 || m.Member != "TV03" ||
		m.CouncilID != rc.CouncilID || m.Period != rc.Period || m.Round != 1 || len(m.Digest) != 64 {
		t.Errorf("return header: %+v", m)
	}
	if !reflect.DeepEqual(m.Scores, rc.Scores) {
		t.Errorf("scores %+v, want %+v", m.Scores, rc.Scores)
	}
	if !identity.VerifyEnrolment(identity.EnrolmentVerifier(rc.EnrolSecret), m.EnrolProof, rc.CouncilID, 3, "TV03", id.Public) {
		t.Error("the enrolment proof does not verify")
	}
	rc.EnrolSecret = nil
	ret, err = ReadReturn(bytes.NewReader(returnBytes(t, rc, id)), "r")
	if err != nil || ret.Merge.EnrolProof != nil {
		t.Errorf("return without a secret: %v %v", err, ret)
	}
}

// TestReturnEveryByteMatters changes each byte of a return in turn: the
// reader must refuse the file, or read exactly the same return.
func TestReturnEveryByteMatters(t *testing.T) {
	b := returnBytes(t, testReturn(), testIdentity(1))
	orig, err := ReadReturn(bytes.NewReader(b), "r")
	if err != nil {
		t.Fatal(err)
	}
	accepted := 0
	for i := range b {
		for _, c := range []byte{' ', '0', '1', 'A', '"', '}', b[i] ^ 0x01, b[i] ^ 0x20} {
			if c == b[i] {
				continue
			}
			m := append([]byte(nil), b...)
			m[i] = c
			ret, err := ReadReturn(bytes.NewReader(m), "r")
			if err != nil {
				continue
			}
			accepted++
			if ret.Merge.Digest != orig.Merge.Digest || !reflect.DeepEqual(ret.Merge, orig.Merge) {
				t.Fatalf("byte %d changed to %q: accepted with other content", i, c)
			}
		}
	}
	if accepted > 4 { // only the final newline may become other white space
		t.Errorf("%d changed files accepted", accepted)
	}
}

func TestPackageTamperedOrDamaged(t *testing.T) {
	good := packageBytes(t, testPackage(t))
	edit := func(old, new string) []byte {
		if !bytes.Contains(good, []byte(old)) {
			t.Fatalf("the package lacks %q", old)
		}
		return bytes.Replace(good, []byte(old), []byte(new), 1)
	}
	for name, tc := range map[string]struct {
		in   []byte
		kind string
		msg  string
	}{
		"empty":        {nil, FileDamaged, "empty"},
		"not json":     {[]byte("PK\x03\x04 zip"), FileDamaged, "not JSON text"},
		"council file": {[]byte("SQLite format 3\x00\x10\x00"), FileWrongKind, "council file"},
		"bad utf8":     {edit("Nguyễn", "Nguy\xff"), FileDamaged, "UTF-8"},
		"truncated":    {good[:len(good)/2], FileDamaged, "not well-formed"},
		"changed":      {edit("Chậm 2 ngày", "Chậm 3 ngày"), FileTampered, "payload_sha256"},
		"return":       {returnBytes(t, testReturn(), testIdentity(1)), FileWrongKind, "return file, not a member package"},
		"newer":        {edit(`"format_version":1,"payload_sha256"`, `"format_version":2,"payload_sha256"`), FileNewer, "update parindex"},
		"unknown key":  {edit(`{"format":"parindex-package",`, `{"format":"parindex-package","extra":1,`), FileDamaged, "unknown field"},
		"duplicate":    {edit(`{"format":"parindex-package",`, `{"format":"parindex-package","format":"parindex-package",`), FileDamaged, "appears twice"},
		"trailing":     {append(append([]byte(nil), good...), "{}"...), FileDamaged, "not well-formed"},
		"other format": {[]byte(`{"format":"something","format_version":1,"payload":{}}`), FileDamaged, "not a member package"},
	} {
		_, err := ReadPackage(bytes.NewReader(tc.in), "p.parindex-package")
		var fe *PackageFileError
		if !errors.As(err, &fe) || fe.Kind != tc.kind || !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "p.parindex-package: ") {
			t.Errorf("%s: %v (kind %v), want %s mentioning %q", name, err, fe, tc.kind, tc.msg)
		}
	}
}

// rewrite changes a package's payload and fixes its digest, as a forger
// with a text editor and sha256sum would.
func rewrite(t *testing.T, pc *data.PackageContent, change func(string) string) []byte {
	t.Helper()
	b := packageBytes(t, pc)
	env, err := readEnvelope(b, "x", FormatPackage)
	if err != nil {
		t.Fatal(err)
	}
	payload := []byte(change(string(env.Payload)))
	var out bytes.Buffer
	sum := sha256hex(payload)
	if err := writeEnvelope(&out, FormatPackage, payload, sum, nil); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestPackageContentRules(t *testing.T) {
	pc := testPackage(t)
	for name, tc := range map[string]struct {
		old, new, msg string
	}{
		"unknown unit":       {`"unit":"SO-TC","criterion":"1.1.2"`, `"unit":"SO-XX","criterion":"1.1.2"`, "does not carry"},
		"not a leaf":         {`"criterion":"1.1.1","round":1`, `"criterion":"1.1","round":1`, "not a leaf"},
		"above max":          {`"points":0.75`, `"points":7.50`, "above the max"},
		"three decimals":     {`"points":0.75`, `"points":0.755`, "more than two decimals"},
		"other member":       {`"member":"TV03","unit":"SO-TP"`, `"member":"TV04","unit":"SO-TP"`, "not TV03"},
		"control char":       {`Chậm 2 ngày`, `Chậm\u0000 2 ngày`, "control character"},
		"not a field":        {`"field":"1"`, `"field":"1.1"`, "not a field"},
		"bad framework":      {`"max":1.50,"method":"appraisal"`, `"max":1.75,"method":"appraisal"`, "framework"},
		"block's framework":  {`"framework":"thu-nghiem"`, `"framework":"khac"`, "does not carry"},
		"round 3":            {`"round":1,"member":"TV03","sequence"`, `"round":3,"member":"TV03","sequence"`, "round 3"},
		"secret and key":     {`"enrolment":{`, `"enrolment":{"enrolled_key":"AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA",`, "both"},
		"empty unit code":    {`"code":"SO-TC","name"`, `"code":" ","name"`, "empty"},
		"bad period":         {`"year":2024,"round":"full-year"`, `"year":24,"round":"full-year"`, "not a year"},
		"unknown key inside": {`"last_return":1`, `"last_return":1,"x":2`, "unknown field"},
		"string for number":  {`"sequence":2`, `"sequence":"2"`, "sequence"},
	} {
		in := rewrite(t, pc, func(s string) string {
			if !strings.Contains(s, tc.old) {
				t.Fatalf("%s: payload lacks %q", name, tc.old)
			}
			return strings.Replace(s, tc.old, tc.new, 1)
		})
		_, err := ReadPackage(bytes.NewReader(in), "p")
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want an error mentioning %q", name, err, tc.msg)
		}
	}
	// Decomposed (NFD) text arrives as NFC.
	nfd := norm.NFD.String("Chậm 2 ngày")
	in := rewrite(t, pc, func(s string) string { return strings.Replace(s, "Chậm 2 ngày", nfd, 1) })
	pkg, err := ReadPackage(bytes.NewReader(in), "p")
	if err != nil {
		t.Fatal(err)
	}
	if r := pkg.Content.Appraisals[0].Reason; r != "Chậm 2 ngày" {
		t.Errorf("reason %q is not NFC", r)
	}
}

func TestSizeLimits(t *testing.T) {
	big := bytes.Repeat([]byte(" "), MaxReturnSize+10)
	_, err := ReadReturn(bytes.NewReader(big), "big")
	var fe *PackageFileError
	if !errors.As(err, &fe) || fe.Kind != FileTooLarge {
		t.Errorf("huge return: %v", err)
	}
	deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	_, err = ReadPackage(strings.NewReader(`{"format":"parindex-package","format_version":1,"payload":{"x":`+deep+`}}`), "deep")
	if err == nil || !strings.Contains(err.Error(), "nested") {
		t.Errorf("deep package: %v", err)
	}
	long := testReturn()
	long.Scores[0].Reason = strings.Repeat("x", maxTextBytes+1)
	_, err = ReadReturn(bytes.NewReader(returnBytes(t, long, testIdentity(1))), "long")
	if err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("long reason: %v", err)
	}
}

func TestReturnRules(t *testing.T) {
	id := testIdentity(1)
	dup := testReturn()
	dup.Scores[1].Unit, dup.Scores[1].Criterion = "SO-TP", "1.1.1"
	if _, err := ReadReturn(bytes.NewReader(returnBytes(t, dup, id)), "r"); err == nil || !strings.Contains(err.Error(), "both for unit SO-TP") {
		t.Errorf("duplicate scores: %v", err)
	}
	neg := testReturn()
	neg.Scores[0].Points = -25
	if _, err := ReadReturn(bytes.NewReader(returnBytes(t, neg, id)), "r"); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Errorf("negative score: %v", err)
	}
	// A package is not a return.
	_, err := ReadReturn(bytes.NewReader(packageBytes(t, testPackage(t))), "r")
	var fe *PackageFileError
	if !errors.As(err, &fe) || fe.Kind != FileWrongKind {
		t.Errorf("package read as a return: %v", err)
	}
	// Another key's signature over the same payload.
	b := returnBytes(t, testReturn(), id)
	env, err := readEnvelope(b, "r", FormatReturn)
	if err != nil {
		t.Fatal(err)
	}
	other := testIdentity(2)
	var forged bytes.Buffer
	writeEnvelope(&forged, FormatReturn, env.Payload, "", &signatureJSON{Alg: "ed25519",
		Value: b64(other.Sign(append([]byte(contextReturn), env.Payload...)))})
	if _, err := ReadReturn(&forged, "r"); !errors.As(err, &fe) || fe.Kind != FileTampered {
		t.Errorf("signature by another key: %v", err)
	}
}

func TestUnitSheetFiles(t *testing.T) {
	self := index.Points(100)
	sh := &UnitSheet{CouncilID: "c", Period: index.Period{ID: 3, Year: 2024, Round: index.FullYear, Name: "Năm 2024"},
		Unit: index.Unit{Code: "SO-TP", Name: "Sở Tư pháp", Block: "SO"}, Round: 1, CreatedAt: pkgTime,
		Items: []UnitSheetItem{{Criterion: "1.1.1", Title: "Ban hành kế hoạch", Max: 100, Self: &self, Reason: "Chậm, \"2\" ngày",
			Explanation: "Đã ban hành", ExtraEvidence: "QĐ 5"}, {Criterion: "1.1.2", Title: "Thực hiện", Max: 150}}}
	for _, format := range []string{"json", "csv"} {
		var b bytes.Buffer
		write := WriteUnitSheetJSON
		if format == "csv" {
			write = WriteUnitSheetCSV
		}
		if err := write(&b, sh); err != nil {
			t.Fatal(err)
		}
		got, err := ReadUnitSheet(&b, "sheet."+format)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if got.Unit.Code != "SO-TP" || got.Period.Year != 2024 || got.Period.Round != index.FullYear || len(got.Items) != 2 ||
			got.Items[0].Explanation != "Đã ban hành" || got.Items[0].ExtraEvidence != "QĐ 5" || got.Items[1].Criterion != "1.1.2" {
			t.Errorf("%s round trip: %+v", format, got)
		}
	}
	for name, in := range map[string]string{
		"header":       "a,b\n1,2\n",
		"mixed units":  strings.Join(UnitSheetCSVHeader, ",") + "\n2024 full-year,A,,1,,,,,,,x,\n2024 full-year,B,,1,,,,,,,x,\n",
		"bad period":   strings.Join(UnitSheetCSVHeader, ",") + "\n2024,A,,1,,,,,,,x,\n",
		"not utf-8":    strings.Join(UnitSheetCSVHeader, ",") + "\n2024 full-year,A,,1,,,,,,,Gi\xe1i,\n",
		"json unknown": `{"format":"parindex-unit-sheet","format_version":1,"period":{"id":1,"year":2024,"round":"full-year"},"unit":{"code":"A","name":"","block":""},"round":1,"created_at":"","app":"","items":[],"x":1}`,
	} {
		if _, err := ReadUnitSheet(strings.NewReader(in), "s"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// The fuzz targets: every file the readers accept must be consistent.

// wrapPackage makes b the payload of a package with the right digest, so
// that fuzzing reaches the checks behind the digest.
func wrapPackage(b []byte) []byte {
	var out bytes.Buffer
	writeEnvelope(&out, FormatPackage, b, sha256hex(b), nil)
	return out.Bytes()
}

// signReturn makes b the payload of a return signed by id.
func signReturn(b []byte, id *identity.Identity) []byte {
	var out bytes.Buffer
	writeEnvelope(&out, FormatReturn, b, "", &signatureJSON{Alg: "ed25519", Value: b64(id.Sign(append([]byte(contextReturn), b...)))})
	return out.Bytes()
}

// payloadOf returns the payload of a package or return.
func payloadOf(t testing.TB, b []byte, format string) []byte {
	env, err := readEnvelope(b, "x", format)
	if err != nil {
		t.Fatal(err)
	}
	return env.Payload
}

// Each fuzz target reads its input as a whole file, and as a payload
// wrapped in a valid envelope (the right digest, a good signature), so
// that the checks behind the digest and the signature are fuzzed too.

func FuzzReadPackage(f *testing.F) {
	good := packageBytes(f, testPackage(f))
	f.Add(good)
	f.Add(payloadOf(f, good, FormatPackage))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, in := range [][]byte{b, wrapPackage(b)} {
			pkg, err := ReadPackage(bytes.NewReader(in), "fuzz")
			if err != nil {
				var fe *PackageFileError
				if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "fuzz: ") {
					t.Fatalf("error %v is not a *PackageFileError naming the file", err)
				}
				continue
			}
			// What was read writes back and reads again to the same content.
			var out bytes.Buffer
			if _, err := WritePackage(&out, pkg.Content, pkg.CreatedAt); err != nil {
				t.Fatalf("an accepted package does not write back: %v", err)
			}
			again, err := ReadPackage(&out, "again")
			if err != nil {
				t.Fatalf("an accepted package, written back, is refused: %v", err)
			}
			a, b2 := *again.Content, *pkg.Content
			a.Frameworks, b2.Frameworks = nil, nil
			if !reflect.DeepEqual(a, b2) {
				t.Fatalf("round trip changed the content:\n%+v\n%+v", a, b2)
			}
			checkNFC(t, pkg.Content.Member.Name)
			for _, a := range pkg.Content.Appraisals {
				checkNFC(t, a.Reason)
			}
		}
	})
}

func FuzzReadPackageReturn(f *testing.F) {
	id := testIdentity(1)
	good := returnBytes(f, testReturn(), id)
	f.Add(good)
	f.Add(payloadOf(f, good, FormatReturn))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, in := range [][]byte{b, signReturn(b, id)} {
			ret, err := ReadReturn(bytes.NewReader(in), "fuzz")
			if err != nil {
				var fe *PackageFileError
				if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "fuzz: ") {
					t.Fatalf("error %v is not a *PackageFileError naming the file", err)
				}
				continue
			}
			// Only files signed by a key can be accepted: here, the test key.
			if !bytes.Equal(ret.Merge.PublicKey, id.Public) {
				t.Fatalf("accepted a return signed by another key %x", ret.Merge.PublicKey)
			}
			seen := map[[2]string]bool{}
			for _, s := range ret.Merge.Scores {
				checkNFC(t, s.Reason)
				if s.Points < 0 || s.Member != ret.Merge.Member || s.Round != ret.Merge.Round || seen[[2]string{s.Unit, s.Criterion}] {
					t.Fatalf("inconsistent score %+v", s)
				}
				seen[[2]string{s.Unit, s.Criterion}] = true
			}
		}
	})
}

func FuzzReadPackageUnitSheet(f *testing.F) {
	self := index.Points(100)
	sh := &UnitSheet{Period: index.Period{ID: 1, Year: 2024, Round: index.FullYear}, Unit: index.Unit{Code: "A", Name: "B"},
		Round: 1, CreatedAt: pkgTime, Items: []UnitSheetItem{{Criterion: "1.1", Max: 100, Self: &self, Explanation: "x"}}}
	var j, c bytes.Buffer
	WriteUnitSheetJSON(&j, sh)
	WriteUnitSheetCSV(&c, sh)
	f.Add(j.Bytes())
	f.Add(c.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ReadUnitSheet(bytes.NewReader(b), "fuzz")
		if err != nil {
			var fe *PackageFileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *PackageFileError", err)
			}
			return
		}
		if got.Unit.Code == "" {
			t.Fatal("accepted a sheet without a unit")
		}
		for _, it := range got.Items {
			checkNFC(t, it.Explanation)
			checkNFC(t, it.ExtraEvidence)
			if it.Criterion == "" {
				t.Fatal("accepted an item without a criterion")
			}
		}
	})
}

func checkNFC(t *testing.T, s string) {
	t.Helper()
	if !norm.NFC.IsNormalString(s) || s != strings.TrimSpace(s) {
		t.Fatalf("text %q is not trimmed NFC", s)
	}
}

// TestSeedCorpus keeps the seed corpora under testdata/fuzz in step with the
// formats: it fails when a committed seed differs from what the current
// writers produce; go test ./exchange -run TestSeedCorpus -update-package-corpus
// rewrites them.
func TestSeedCorpus(t *testing.T) {
	id := testIdentity(1)
	pkg := packageBytes(t, testPackage(t))
	ret := returnBytes(t, testReturn(), id)
	noSecret := testReturn()
	noSecret.EnrolSecret = nil
	nfd := testPackage(t)
	nfd.Member.Name = norm.NFD.String(nfd.Member.Name)
	self := index.Points(100)
	sh := &UnitSheet{Period: index.Period{ID: 1, Year: 2024, Round: index.FullYear}, Unit: index.Unit{Code: "A", Name: "Sở Tư pháp"},
		Round: 1, CreatedAt: pkgTime, Items: []UnitSheetItem{{Criterion: "1.1", Max: 100, Self: &self, Explanation: "Đã bổ sung"}}}
	var sj, sc bytes.Buffer
	WriteUnitSheetJSON(&sj, sh)
	WriteUnitSheetCSV(&sc, sh)
	seeds := map[string]map[string][]byte{
		"FuzzReadPackage": {
			"valid":        pkg,
			"valid-nfd":    packageBytes(t, nfd),
			"truncated":    pkg[:len(pkg)*2/3],
			"changed":      bytes.Replace(pkg, []byte("Chậm 2 ngày"), []byte("Chậm 9 ngày"), 1),
			"duplicate":    bytes.Replace(pkg, []byte(`"format_version":1,`), []byte(`"format_version":1,"format_version":1,`), 1),
			"return":       ret,
			"empty-object": []byte(`{}`),
			"deep":         []byte(`{"format":"parindex-package","format_version":1,"payload":{"a":[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]}}`),
			"payload":      payloadOf(t, pkg, FormatPackage),
			"payload-nfd":  payloadOf(t, packageBytes(t, nfd), FormatPackage),
		},
		"FuzzReadPackageReturn": {
			"valid":            ret,
			"valid-no-secret":  returnBytes(t, noSecret, id),
			"flipped":          bytes.Replace(ret, []byte(`"points":1.25`), []byte(`"points":1.50`), 1),
			"package":          pkg,
			"no-signature":     bytes.Replace(ret, []byte(`"signature"`), []byte(`"signaturX"`), 1),
			"escaped-key-dupe": []byte(`{"format":"parindex-return","form\u0061t":"parindex-return","format_version":1,"payload":{}}`),
			"payload":          payloadOf(t, ret, FormatReturn),
			"payload-no-proof": payloadOf(t, returnBytes(t, noSecret, id), FormatReturn),
		},
		"FuzzReadPackageUnitSheet": {
			"valid-json": sj.Bytes(),
			"valid-csv":  sc.Bytes(),
			"bad-csv":    []byte("period,unit\n\"unterminated\n"),
		},
	}
	for target, files := range seeds {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range files {
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
			path := filepath.Join(dir, name)
			if !*updateCorpus {
				if old, err := os.ReadFile(path); err != nil || string(old) != body {
					t.Errorf("seed %s is missing or out of date (%v): run go test ./exchange -run TestSeedCorpus -update-package-corpus", path, err)
				}
				continue
			}
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func sha256hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
