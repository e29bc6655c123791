package archive

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"
)

// Benchmarks stream MEETVAULT_BENCH_MIB (default 512) MiB of generated
// bytes into the test versitygw with the default PartSize and
// PartsInFlight. Run each in its own process so peak-RSS is its own:
//
//	go test -run '^$' -bench 'BenchmarkStream$' -benchtime 3x ./archive/
//	go test -run '^$' -bench 'BenchmarkRawCopy' -benchtime 3x ./archive/
//
// BenchmarkRawCopy is the reference: the same bytes through the same
// read-ahead pipeline and part size, without hashing or metadata step.

func benchSize(b *testing.B) int64 {
	mib := int64(512)
	if v := os.Getenv("MEETVAULT_BENCH_MIB"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		require.NoError(b, err)
		mib = n
	}
	return mib * MiB
}

func benchStore(b *testing.B) *Store {
	needS3(b)
	s, err := New(context.Background(), Config{
		Endpoint: s3Endpoint, AccessKey: testAccessKey, SecretKey: testSecretKey, PathStyle: true,
		Bucket: fmt.Sprintf("bench%d", bucketSeq.Add(1)), Logger: benchLogger(),
	})
	require.NoError(b, err)
	require.NoError(b, s.EnsureBucket(context.Background()))
	return s
}

// benchLogger logs the per-upload timings with MEETVAULT_BENCH_LOG=1.
func benchLogger() *slog.Logger {
	if os.Getenv("MEETVAULT_BENCH_LOG") == "1" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

func BenchmarkStream(b *testing.B) {
	size := benchSize(b)
	s := benchStore(b)
	p := newPattern(99)
	ctx := context.Background()
	b.SetBytes(size)
	b.ResetTimer()
	for i := range b.N {
		key := fmt.Sprintf("bench/stream-%d", i)
		res, err := s.Stream(ctx, testObject(key, size), p.reader(0, size), nil, nil)
		require.NoError(b, err)
		require.Equal(b, size, res.Size)
	}
	b.StopTimer()
	b.ReportMetric(peakRSSMiB(), "peak-RSS-MiB")
	b.ReportMetric(float64(s.bufs.limit)/MiB, "buffer-budget-MiB")
}

func BenchmarkRawCopy(b *testing.B) {
	size := benchSize(b)
	s := benchStore(b)
	p := newPattern(99)
	variants := []struct {
		name string
		opts func(*s3.Options)
		put  []func(*s3.Options)
	}{
		// What a plain SDK upload does over http: the SDK's default CRC32
		// checksum and a signed (SHA-256 hashed) payload.
		{"sdk-defaults", func(o *s3.Options) {}, nil},
		// The floor: no checksum, UNSIGNED-PAYLOAD.
		{"unsigned-no-checksum", func(o *s3.Options) {
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		}, []func(*s3.Options){unsignedPayload}},
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			client := s3.New(s3.Options{
				BaseEndpoint: aws.String(s3Endpoint), Region: "us-east-1", UsePathStyle: true,
				Credentials: credentials.NewStaticCredentialsProvider(testAccessKey, testSecretKey, ""),
			}, v.opts)
			free := make(chan []byte, defaultPartsInFlight+1)
			for range defaultPartsInFlight + 1 {
				free <- make([]byte, defaultPartSize)
			}
			b.SetBytes(size)
			for i := range b.N {
				rawCopy(b, client, s.Bucket(), fmt.Sprintf("bench/raw-%s-%d", v.name, i), p.reader(0, size), free, v.put)
			}
			b.StopTimer()
			b.ReportMetric(peakRSSMiB(), "peak-RSS-MiB")
		})
	}
}

// rawCopy uploads src in parts of the free buffers' size, defaultPartsInFlight
// at a time, reading the next part while others upload.
func rawCopy(b *testing.B, c *s3.Client, bucket, key string, src io.Reader, free chan []byte, opts []func(*s3.Options)) {
	ctx := context.Background()
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	require.NoError(b, err)
	sem := make(chan struct{}, defaultPartsInFlight)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		parts []types.CompletedPart
		upErr error
	)
	for num := int32(1); ; num++ {
		buf := <-free
		n, err := io.ReadFull(src, buf)
		if n == 0 {
			free <- buf
			break
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { free <- buf; <-sem }()
			out, err := c.UploadPart(ctx, &s3.UploadPartInput{
				Bucket: aws.String(bucket), Key: aws.String(key), UploadId: up.UploadId, PartNumber: aws.Int32(num),
				Body: bytes.NewReader(buf[:n]), ContentLength: aws.Int64(int64(n)),
			}, opts...)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				upErr = err
				return
			}
			parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(num), ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32})
		})
		if err != nil {
			break
		}
	}
	wg.Wait()
	require.NoError(b, upErr)
	slices.SortFunc(parts, func(a, b types.CompletedPart) int { return int(*a.PartNumber - *b.PartNumber) })
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(bucket), Key: aws.String(key), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	require.NoError(b, err)
}

// peakRSSMiB is the process's peak resident set (VmHWM) in MiB.
func peakRSSMiB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return -1
}
