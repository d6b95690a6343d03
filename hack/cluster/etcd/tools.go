//go:build tools

// Package etcd only pins the etcd server that hack/cluster-binaries.sh builds.
package etcd

import _ "go.etcd.io/etcd/server/v3"
