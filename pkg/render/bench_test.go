package render

import (
	"fmt"
	"testing"
)

func BenchmarkFrame(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 5000} {
		s := manyPods(n)
		for _, size := range [][2]int{{120, 40}, {250, 80}} {
			b.Run(fmt.Sprintf("pods=%d/%dx%d", n, size[0], size[1]), func(b *testing.B) {
				for b.Loop() {
					Frame(s, size[0], size[1], colour)
				}
			})
		}
	}
}
