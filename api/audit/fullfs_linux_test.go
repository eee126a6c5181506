package audit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFullFilesystem fills a real, tiny filesystem with records until a
// write fails, then frees space and writes again: every line in the file
// must parse. The kernel writes what fits of the record that crosses the
// last free block, so this is the short write of a full disk, not a fake.
// Mounting needs root (or CAP_SYS_ADMIN); elsewhere the test is skipped and
// TestShortWriteLeavesWholeRecords covers the same path with a fault.
func TestFullFilesystem(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=16k"); err != nil {
		t.Skipf("cannot mount a 16 KB tmpfs to fill (%v); needs root or CAP_SYS_ADMIN", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	// A filler takes most of the room, so that removing it frees enough
	// for the records after the failure.
	filler := filepath.Join(dir, "filler")
	if err := os.WriteFile(filler, make([]byte, 8<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "audit.jsonl")
	l := openTest(t, path)
	ctx := context.Background()
	written := 0
	var werr error
	for i := 0; i < 1000 && werr == nil; i++ {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, werr = l.Intent(ctx, muteEntry()); werr == nil {
			written++
			continue
		}
		// The file ended part-way into a block, so the kernel had room
		// for the start of this record: the write was short.
		if fi.Size()%4096 == 0 {
			t.Fatalf("the file filled exactly at a block boundary (%d bytes); the write was not short", fi.Size())
		}
	}
	if !errors.Is(werr, syscall.ENOSPC) {
		t.Fatalf("writing until full ended with %v, want no space left on device", werr)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Intent(ctx, muteEntry()); err != nil {
		t.Fatalf("after space was freed: %v", err)
	}
	written++
	if got := len(readLines(t, path)); got != written {
		t.Errorf("%d records in the file, want the %d that were written", got, written)
	}
	t.Logf("%d records written, one lost to the full disk and cut back out", written)
}
