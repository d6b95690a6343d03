# kubectl-mannequin — see README.md.
SHELL := /usr/bin/env bash
MODULE  := github.com/kubectl-mannequin/kubectl-mannequin
VERSION ?= $(shell git describe --tags --dirty 2>/dev/null || echo v0.1.0-dev+$$(git rev-parse --short HEAD 2>/dev/null || echo unknown))
LDFLAGS := -s -w -X $(MODULE)/pkg/version.Version=$(VERSION)
BIN     := bin/kubectl-mannequin
E2E_TIMEOUT ?= 45m
# A budget of inputs, not of seconds: Go 1.26's fuzz coordinator can fail a
# target with "context deadline exceeded" when a -fuzztime duration ends
# while a worker is busy (go.dev/issue/75804, fixed in Go 1.27); a count
# has no deadline to race. FUZZTIME=10m still works for a long run.
FUZZTIME ?= 8000x
# The skew suite: what a user does on a cluster several minors behind the
# plugin's client-go (watch, history, undo, the release view, the registry
# paths, for all three kinds), run again on the older control plane.
SKEW_TESTS ?= ^(TestVersionShowsClientAndServer|TestRollingUpdateCompletesOnTheCluster|TestNonexistentImageGetsStuck|TestHistoryListsRevisions|TestUndoMatchesKubectl|TestHistoryInteractiveUndo|TestWatchViewActions|TestWatchUntilDoneExitCodes|TestStatefulSetReplacesHighestOrdinalFirst|TestStatefulSetPartitionStopsTheUpdate|TestDaemonSetUpdatesNodeByNode|TestKindsHistoryAndUndoMatchKubectl|TestKindsUntilDoneExitCodes|TestReleaseUntilDone|TestReleaseViewOnATerminal|TestReleaseMembershipFollowsTheSelector|TestPodsPullFromTheWarehouse|TestRepushedTagIsSaidFromTheRegistry|TestMultiPlatformImagesAreNotRepushed|TestArm64PodsGetArm64Facts|TestUndoToADeletedImageWarns|TestPullSecretsAreTried|TestWhyCrashLoop|TestCrashLoopQuotesItsLastWords|TestPauseAndRestartSurviveAScaleInBetween|TestUndoTestsTheTemplateShown|TestWatchWithoutPermissionToListPods)$$

.PHONY: all build dist test unit fuzz soak krew-test e2e e2e-skew e2e-all bench vet fmt tools cluster-binaries cluster-up cluster-down demo clean

all: build

build:
	CGO_ENABLED=0 go build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/kubectl-mannequin

## dist: release archives for every platform, checksums.txt and the krew manifest (dist/mannequin.yaml)
dist:
	@VERSION='$(VERSION)' hack/dist.sh

## test: checks, unit tests and fuzzing, then end-to-end tests on fresh local clusters (today's control plane and, side by side, the older one) with the release archives built and installed through krew beside them (hack/test.sh)
test:
	@hack/test.sh

## tools: build krew, its manifest validator and staticcheck once per machine (cached outside the checkout)
tools:
	@hack/tools.sh >/dev/null

vet: tools
	@test -z "$$(gofmt -l cmd pkg test)" || { echo "gofmt needed:"; gofmt -l cmd pkg test; exit 1; }
	go vet ./...
	@go mod tidy -diff >/dev/null || { echo "go.mod/go.sum are not tidy; run go mod tidy:"; go mod tidy -diff; exit 1; }
	"$$(hack/tools.sh)/staticcheck" ./...

## krew-test: install dist/ through krew (from the archive, and from a local index over loopback), offline
krew-test: dist tools
	PATH="$$(hack/tools.sh):$$PATH" go test ./test/krew/ -count=1 -v

unit:
	go test ./pkg/... ./cmd/...

e2e: cluster-binaries
	go test ./test/e2e/ -count=1 -v -timeout $(E2E_TIMEOUT)

## e2e-skew: the skew suite (SKEW_TESTS) alone on the older control plane, K8S_SKEW_VERSION in hack/versions.sh
e2e-skew: cluster-binaries
	hack/cluster-binaries.sh --skew >/dev/null
	CLUSTER_CONTROL_PLANE=skew go test ./test/e2e/ -count=1 -v -timeout 25m -run '$(SKEW_TESTS)'

## e2e-all: e2e and e2e-skew side by side, each on a cluster of its own (what make test runs)
e2e-all:
	E2E_TIMEOUT=$(E2E_TIMEOUT) SKEW_TESTS='$(SKEW_TESTS)' hack/e2e-all.sh

## fuzz: the renderer, the argument parser, the sanitizer and the key decoder with random input, briefly (FUZZTIME=10m or FUZZTIME=1000000x for a long run)
fuzz:
	go test ./pkg/render/ -run '^$$' -fuzz FuzzFrame -fuzztime $(FUZZTIME)
	go test ./pkg/ref/ -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)
	go test ./pkg/render/ -run '^$$' -fuzz FuzzSanitizedText -fuzztime $(FUZZTIME)
	go test ./pkg/sanitize/ -run '^$$' -fuzz FuzzText -fuzztime $(FUZZTIME)
	go test ./pkg/terminal/ -run '^$$' -fuzz FuzzPastesNeverAnswer -fuzztime $(FUZZTIME)
	go test ./pkg/terminal/ -run '^$$' -fuzz FuzzDecoder -fuzztime $(FUZZTIME)

## soak: one Deployment of 200 pods through 20 rollouts; memory and goroutines must stay flat (not in CI)
soak: cluster-binaries
	go test -tags soak ./test/e2e/ -count=1 -v -run TestSoak -timeout 60m

## bench: performance figures on a fresh local cluster, written to bench/RESULTS.md; BENCH_QUICK=1 for the short smoke run
bench: cluster-binaries
	go run ./test/bench

## cluster-binaries: build the control plane once per machine (cached outside the checkout)
cluster-binaries:
	@hack/cluster-binaries.sh >/dev/null

cluster-up:
	@hack/cluster-up.sh

cluster-down:
	@hack/cluster-down.sh

## demo: a rolling update of clerk-squad, watched live
# Only a KUBECONFIG given on the make command line selects another cluster.
demo: build
	@DEMO_KUBECONFIG='$(if $(filter command line,$(origin KUBECONFIG)),$(KUBECONFIG))' hack/demo.sh

clean:
	rm -rf bin dist
