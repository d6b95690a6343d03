// Package view holds the screens the commands show: the live view of one
// workload or a release (Live), its plain log (ReleaseLog) and the
// interactive history (History). A view reads snapshots and keys, draws
// with pkg/render, and acts through pkg/action; the commands choose which
// view and hand it its clients.
package view
