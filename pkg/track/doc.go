// Package track holds the rules that decide when following a workload
// ends: a finished rollout settles once the pods in view agree with its
// status (Settle), and --fail-after ends a wait that cannot succeed
// (FailFast). The live view, the plain log and a release's members all
// follow these rules, so that each ends a watch the same way.
package track
