package snapshot

import "fmt"

// Finding is one reason the rollout is not progressing, shared by Pods
// pods. pkg/diagnose finds them when a snapshot is made (Findings); the
// views, the summary and fail-fast read them from there.
type Finding struct {
	Revision int64
	Reason   string   // e.g. ImagePullBackOff
	Pods     []string // affected pods; empty for revision or workload findings
	Message  string   // what the kubelet, scheduler or controller wrote
	Hint     string   // plain words and the next command to run
	// Cause tells apart findings with one reason but different fixes
	// (a missing tag, a missing pull Secret, refused credentials).
	Cause string
	// LastWords is the evidence: the end of the log of one of Pods' failing
	// container, when it was read.
	LastWords *LastWords
}

// Key identifies a finding across snapshots, so that a log prints it once.
// Pods of one revision stuck for the same reason share one finding: they
// share the template, and so the cause.
func (f *Finding) Key() string {
	return fmt.Sprintf("%d|%s|%s", f.Revision, f.Reason, f.Cause)
}

// Summary is the finding's first line: what and how many.
func (f *Finding) Summary() string {
	switch len(f.Pods) {
	case 0:
		return fmt.Sprintf("rev %d: %s", f.Revision, f.Reason)
	case 1:
		return fmt.Sprintf("rev %d: %s: pod %s", f.Revision, f.Reason, f.Pods[0])
	}
	return fmt.Sprintf("rev %d: %s: %d pods (%s, ...)", f.Revision, f.Reason, len(f.Pods), f.Pods[0])
}
