package archive

import (
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
)

// partSource cuts the source into parts. It hashes every byte once, in
// order, into the whole-object SHA-256 and enforces Object.ExpectedSize as
// it goes, so an oversized source is stopped early instead of uploaded.
type partSource struct {
	src      io.Reader
	hash     hash.Hash
	key      string
	expected int64
	offset   int64 // bytes consumed and hashed

	probe    [1]byte // one byte read ahead by atEOF, not yet consumed
	hasProbe bool
	eof      bool
}

func newPartSource(src io.Reader, h hash.Hash, offset int64, obj Object) *partSource {
	return &partSource{src: src, hash: h, key: obj.Key, expected: obj.ExpectedSize, offset: offset}
}

// restoreHash rebuilds a SHA-256 state saved in a checkpoint.
func restoreHash(state []byte) (hash.Hash, error) {
	h := sha256.New()
	u, ok := h.(encoding.BinaryUnmarshaler)
	if !ok {
		return nil, errors.New("sha256 state cannot be restored")
	}
	if err := u.UnmarshalBinary(state); err != nil {
		return nil, err
	}
	return h, nil
}

// state is the SHA-256 state over the bytes consumed so far.
func (p *partSource) state() ([]byte, error) {
	m, ok := p.hash.(encoding.BinaryMarshaler)
	if !ok {
		return nil, errors.New("archive: sha256 state cannot be saved")
	}
	return m.MarshalBinary()
}

// sum is the hex SHA-256 of the bytes consumed so far.
func (p *partSource) sum() string { return hex.EncodeToString(p.hash.Sum(nil)) }

// fill reads into buf until it is full or the source ends. eof reports
// that the source ended (n may still be > 0).
func (p *partSource) fill(buf []byte) (n int, eof bool, err error) {
	if p.eof {
		return 0, true, nil
	}
	if p.hasProbe {
		buf[0] = p.probe[0]
		p.hasProbe = false
		n = 1
	}
	// Not io.ReadFull: it reports a short final read as io.ErrUnexpectedEOF,
	// the same error a truncated HTTP body returns. Only a clean io.EOF ends
	// the source; a truncated download is an error even when its size was
	// not announced.
	var rerr error
	for n < len(buf) && rerr == nil {
		var m int
		m, rerr = p.src.Read(buf[n:])
		n += m
	}
	p.hash.Write(buf[:n])
	p.offset += int64(n)
	switch {
	case rerr == io.EOF:
		p.eof = true
	case rerr != nil:
		return n, false, fmt.Errorf("archive: %s: read source at byte %d: %w", p.key, p.offset, rerr)
	}
	return n, p.eof, p.checkSize(p.offset)
}

// atEOF reports whether the source has ended, reading one byte ahead if
// it must (that byte is handed out by the next fill).
func (p *partSource) atEOF() (bool, error) {
	if p.eof {
		return true, nil
	}
	if p.hasProbe {
		return false, nil
	}
	for {
		n, err := p.src.Read(p.probe[:])
		if n == 1 {
			p.hasProbe = true
			return false, p.checkSize(p.offset + 1)
		}
		if err == io.EOF {
			p.eof = true
			return true, p.checkSize(p.offset)
		}
		if err != nil {
			return false, fmt.Errorf("archive: %s: read source at byte %d: %w", p.key, p.offset, err)
		}
	}
}

// checkSize compares seen bytes with the expected size.
func (p *partSource) checkSize(seen int64) error {
	if p.expected < 0 {
		return nil
	}
	if seen > p.expected {
		return &SizeMismatchError{Key: p.key, Expected: p.expected, Got: seen, AtLeast: !p.eof}
	}
	if p.eof && seen != p.expected {
		return &SizeMismatchError{Key: p.key, Expected: p.expected, Got: seen}
	}
	return nil
}
