package exchange

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"parindex/data"
	"parindex/identity"
)

// This file joins the file formats to the council file: what the desktop
// app's Council screen and parindex-cli call to export, open, return and
// merge. Each step is one audited transaction of the store.

// ExportReport says what ExportPackage wrote.
type ExportReport struct {
	Member      string `json:"member"`
	Period      int64  `json:"period"`
	Round       int    `json:"round"`
	Sequence    int64  `json:"sequence"`
	Units       int    `json:"units"`
	Self        int    `json:"self_assessments"`
	Scores      int    `json:"scores"` // the member's own scores carried back
	EnrolledKey string `json:"enrolled_key,omitempty"`
	Secret      bool   `json:"enrolment_secret"` // the package carries a one-time enrolment secret
	Digest      string `json:"digest"`
	CouncilID   string `json:"council_id"`
}

// ExportPackage writes the member package of one member of a period (see
// data.Store.PreparePackage for what it holds and records). now stamps the
// file; the zero time means time.Now.
func ExportPackage(s *data.Store, period int64, member string, w io.Writer, now time.Time) (ExportReport, error) {
	pc, err := s.PreparePackage(period, member)
	if err != nil {
		return ExportReport{}, fmt.Errorf("export package of member %s: %w", member, err)
	}
	if now.IsZero() {
		now = time.Now()
	}
	digest, err := WritePackage(w, pc, now)
	if err != nil {
		return ExportReport{}, err
	}
	return ExportReport{Member: pc.Member.ID, Period: period, Round: pc.Round, Sequence: pc.Sequence,
		Units: len(pc.Units), Self: len(pc.Self), Scores: len(pc.Appraisals), EnrolledKey: pc.EnrolledKey,
		Secret: len(pc.EnrolSecret) > 0, Digest: digest, CouncilID: pc.CouncilID}, nil
}

// ExportPackageFile is ExportPackage into a new file at path, written
// whole or not at all, readable only by its owner: it carries the
// member's one-time enrolment secret.
func ExportPackageFile(s *data.Store, period int64, member, path string, now time.Time) (ExportReport, error) {
	var rep ExportReport
	err := writeExchangeFile(path, 0o600, func(w io.Writer) error {
		var err error
		rep, err = ExportPackage(s, period, member, w, now)
		return err
	})
	return rep, err
}

// OpenPackage reads a member package and opens it into the store, which
// becomes (or must already be) that member's workspace; see
// data.Store.InstallPackage.
func OpenPackage(s *data.Store, r io.Reader, name string, opt data.InstallOptions) (data.InstallReport, error) {
	pkg, err := ReadPackage(r, name)
	if err != nil {
		return data.InstallReport{}, err
	}
	rep, err := s.InstallPackage(pkg.Content, pkg.Digest, opt)
	if err != nil {
		return rep, fmt.Errorf("open %s: %w", name, err)
	}
	return rep, nil
}

// OpenPackageFile is OpenPackage of the file at path.
func OpenPackageFile(s *data.Store, path string, opt data.InstallOptions) (data.InstallReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return data.InstallReport{}, fmt.Errorf("open member package: %w", err)
	}
	defer f.Close()
	return OpenPackage(s, f, path, opt)
}

// ReturnReport says what MakeReturn wrote.
type ReturnReport struct {
	Member      string   `json:"member"`
	Period      int64    `json:"period"`
	Round       int      `json:"round"`
	Version     int64    `json:"version"`
	Scores      int      `json:"scores"`
	Fingerprint string   `json:"fingerprint"`
	Enrols      bool     `json:"enrols"` // the return carries the proof that enrols this key
	Digest      string   `json:"digest"`
	Warnings    []string `json:"warnings,omitempty"` // why the secretariat may refuse it
}

// MakeReturn writes the return of a member workspace's period, signed with
// the member's key: every score of the member in the package's round, under
// the next version number. Warnings say when the secretariat is likely to
// refuse it (this laptop's key is not the one the council enrolled, or no
// key is enrolled and the package carried no secret).
func MakeReturn(s *data.Store, period int64, id *identity.Identity, w io.Writer, now time.Time) (ReturnReport, error) {
	rep, rc, err := makeReturn(s, period, id, w, now)
	if err != nil {
		return rep, err
	}
	if err := s.MarkReturned(period, rc.Version, rc.Digest); err != nil {
		return rep, fmt.Errorf("make return: %w", err)
	}
	return rep, nil
}

// MakeReturnFile is MakeReturn into a new file at path, written whole or
// not at all; the workspace counts its scores as returned only once the
// file is in place.
func MakeReturnFile(s *data.Store, period int64, id *identity.Identity, path string, now time.Time) (ReturnReport, error) {
	var rep ReturnReport
	var rc *data.ReturnContent
	err := writeExchangeFile(path, 0o644, func(w io.Writer) error {
		var err error
		rep, rc, err = makeReturn(s, period, id, w, now)
		return err
	})
	if err != nil {
		return rep, err
	}
	if err := s.MarkReturned(period, rc.Version, rc.Digest); err != nil {
		return rep, fmt.Errorf("make return: %w", err)
	}
	return rep, nil
}

func makeReturn(s *data.Store, period int64, id *identity.Identity, w io.Writer, now time.Time) (ReturnReport, *data.ReturnContent, error) {
	if id == nil {
		return ReturnReport{}, nil, errors.New("make return: no member key")
	}
	rc, err := s.PrepareReturn(period)
	if err != nil {
		return ReturnReport{}, nil, fmt.Errorf("make return: %w", err)
	}
	if now.IsZero() {
		now = time.Now()
	}
	rep := ReturnReport{Member: rc.Member, Period: period, Round: rc.Round, Version: rc.Version, Scores: len(rc.Scores),
		Fingerprint: id.Fingerprint(), Enrols: len(rc.EnrolSecret) > 0}
	switch {
	case rc.EnrolledKey != "" && rc.EnrolledKey != rep.Fingerprint:
		rep.Warnings = append(rep.Warnings, fmt.Sprintf(
			"the council enrolled key %s for you, but this laptop's key is %s: the secretariat will refuse this return until it enrols this key (members enrol --member %s --key %s)",
			rc.EnrolledKey, rep.Fingerprint, rc.Member, rep.Fingerprint))
	case rc.EnrolledKey == "" && len(rc.EnrolSecret) == 0:
		rep.Warnings = append(rep.Warnings, fmt.Sprintf(
			"the council has no key of yours and the package carried no enrolment secret: ask the secretariat to enrol key %s", rep.Fingerprint))
	}
	if rep.Digest, err = WriteReturn(w, rc, id, now); err != nil {
		return rep, nil, err
	}
	return rep, rc, nil
}

// MergeReturn reads a return, verifies its signature and merges it into
// the secretariat's council file (data.Store.MergeReturn). Every refusal,
// a damaged or tampered file included, is a *data.MergeError naming the
// file and wrapping data.ErrRefused; nothing is changed then. With dryRun
// nothing is written but the report says what merging would do.
func MergeReturn(s *data.Store, r io.Reader, name string, dryRun bool) (data.MergeReport, error) {
	ret, err := ReadReturn(r, name)
	if err != nil {
		var fe *PackageFileError
		if errors.As(err, &fe) {
			return data.MergeReport{}, &data.MergeError{File: name, Kind: data.RefusedTampered, Msg: fe.Msg, Err: fe}
		}
		return data.MergeReport{}, err
	}
	ret.Merge.DryRun = dryRun
	return s.MergeReturn(ret.Merge)
}

// MergeResult is the outcome of merging one file of MergeReturnFiles.
type MergeResult struct {
	File   string           `json:"file"`
	Report data.MergeReport `json:"report"`
	Err    error            `json:"-"`
}

// MergeReturnFiles merges return files one after the other, each in its own
// transaction: a refused file changes nothing and does not stop the others.
// Members' returns merge in any order to the same result.
func MergeReturnFiles(s *data.Store, paths []string, dryRun bool) []MergeResult {
	out := make([]MergeResult, len(paths))
	for i, p := range paths {
		out[i].File = p
		f, err := os.Open(p)
		if err != nil {
			out[i].Err = fmt.Errorf("merge return: %w", err)
			continue
		}
		out[i].Report, out[i].Err = MergeReturn(s, f, p, dryRun)
		f.Close()
	}
	return out
}

// writeExchangeFile writes a new file through fn: into a temporary file in
// the same folder, synced, then renamed over path, so that a crash or an
// error never leaves half a file.
func writeExchangeFile(path string, perm os.FileMode, fn func(w io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		return err
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	ok = true
	return nil
}
