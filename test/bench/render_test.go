package main

import (
	"testing"
	"time"
)

func TestParseBenchKeepsTheFailuresCase(t *testing.T) {
	out := `goos: linux
BenchmarkFrame/pods=5000/120x40-2         	      20	   1500000 ns/op	  100 B/op	       4 allocs/op
BenchmarkFrame/pods=5000/120x40-2         	      20	   1700000 ns/op	  100 B/op	       4 allocs/op
BenchmarkFrame/failures=5000/120x40-2     	      20	   3000000 ns/op	 3100000 B/op	   10248 allocs/op
PASS`
	cases, err := parseBench(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 2 || cases[0].failures || !cases[1].failures || cases[1].pods != 5000 || cases[1].perFrame != 3*time.Millisecond || cases[1].allocs != 10248 {
		t.Errorf("parsed %+v", cases)
	}
}
