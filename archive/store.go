package archive

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Size limits of S3 multipart uploads.
const (
	MiB         = 1 << 20
	MinPartSize = 5 * MiB
	MaxPartSize = 5 << 30
	MaxParts    = 10000

	defaultPartSize      = 16 * MiB
	defaultPartsInFlight = 2
	defaultMemoryLimit   = 64 * MiB
	// maxSingleCopy is the largest object S3 copies with one CopyObject call.
	maxSingleCopy = 5 << 30
	// copyPartSize is the range size of UploadPartCopy above maxSingleCopy.
	copyPartSize = 1 << 30
)

// Config configures a Store.
type Config struct {
	// Endpoint is the S3 base URL ("http://127.0.0.1:7070"); empty means AWS.
	Endpoint string
	// Region defaults to us-east-1.
	Region string
	Bucket string
	// AccessKey and SecretKey are static credentials; when AccessKey is empty
	// the AWS default credential chain is used (env, shared config, IAM role).
	AccessKey, SecretKey string
	// PathStyle addresses buckets as /bucket/key (needed by most
	// S3-compatible servers).
	PathStyle bool
	// PartSize is the multipart part size: default 16 MiB, at least 5 MiB.
	// Files up to PartSize bytes are written with one PutObject.
	PartSize int64
	// PartsInFlight is how many parts upload at once while the next part is
	// read (default 2). One Stream holds PartsInFlight+1 buffers of PartSize.
	PartsInFlight int
	// MemoryLimit caps the part buffers of all concurrent Stream calls on this
	// Store together; a Stream waits until its buffers fit. Default: the
	// larger of 64 MiB and (PartsInFlight+1)×PartSize.
	MemoryLimit int64
	// HTTPClient replaces the SDK's HTTP client (optional).
	HTTPClient s3.HTTPClient
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// Store writes archive objects into one S3 bucket. It is safe for
// concurrent use.
type Store struct {
	client   *s3.Client
	bucket   string
	partSize int64
	inFlight int
	bufs     *bufferPool
	log      *slog.Logger

	// copyThreshold is the size above which a refused CopyObject falls back
	// to UploadPartCopy ranges of copyPart bytes (tests lower both).
	copyThreshold int64
	copyPart      int64
}

// New validates cfg, applies defaults and builds the S3 client. It does not
// contact S3.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if err := applyDefaults(&cfg); err != nil {
		return nil, err
	}
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(cfg.Region)}
	if cfg.AccessKey != "" {
		opts = append(opts, awsconfig.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(cfg.AccessKey, cfg.SecretKey, "")))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("archive: load AWS config: %w", err)
	}
	client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.UsePathStyle = cfg.PathStyle
		if cfg.HTTPClient != nil {
			o.HTTPClient = cfg.HTTPClient
		}
		// Checksums are computed by Stream itself; keep the SDK from adding
		// its default CRC32 pass to every request.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	return &Store{
		client:        client,
		bucket:        cfg.Bucket,
		partSize:      cfg.PartSize,
		inFlight:      cfg.PartsInFlight,
		bufs:          newBufferPool(cfg.PartSize, cfg.MemoryLimit),
		log:           cfg.Logger.With("component", "archive", "bucket", cfg.Bucket),
		copyThreshold: maxSingleCopy,
		copyPart:      copyPartSize,
	}, nil
}

func applyDefaults(cfg *Config) error {
	if cfg.Bucket == "" {
		return errors.New("archive: Config.Bucket is required")
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.PartSize == 0 {
		cfg.PartSize = defaultPartSize
	}
	if cfg.PartSize < MinPartSize || cfg.PartSize > MaxPartSize {
		return fmt.Errorf("archive: Config.PartSize %d is outside S3's limits [5 MiB, 5 GiB]", cfg.PartSize)
	}
	if cfg.PartsInFlight == 0 {
		cfg.PartsInFlight = defaultPartsInFlight
	}
	if cfg.PartsInFlight < 1 {
		return fmt.Errorf("archive: Config.PartsInFlight %d must be at least 1", cfg.PartsInFlight)
	}
	perStream := int64(cfg.PartsInFlight+1) * cfg.PartSize
	if cfg.MemoryLimit == 0 {
		cfg.MemoryLimit = max(defaultMemoryLimit, perStream)
	}
	if cfg.MemoryLimit < perStream {
		return fmt.Errorf("archive: Config.MemoryLimit %d is below one stream's buffers "+
			"(PartsInFlight+1)×PartSize = %d; raise it or lower PartSize/PartsInFlight", cfg.MemoryLimit, perStream)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return nil
}

// Bucket is the bucket this Store writes to.
func (s *Store) Bucket() string { return s.bucket }

// Client is the underlying S3 client, for callers that need other calls.
func (s *Store) Client() *s3.Client { return s.client }

// EnsureBucket creates the bucket if it does not exist (for dev stacks). An
// existing bucket owned by the caller is not an error.
func (s *Store) EnsureBucket(ctx context.Context) error {
	_, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(s.bucket)})
	if err == nil {
		return nil
	}
	if httpStatus(err) != 404 {
		return fmt.Errorf("archive: check bucket %s: %w", s.bucket, err)
	}
	in := &s3.CreateBucketInput{Bucket: aws.String(s.bucket)}
	if r := s.client.Options().Region; r != "" && r != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{
			LocationConstraint: types.BucketLocationConstraint(r),
		}
	}
	_, err = s.client.CreateBucket(ctx, in)
	var owned *types.BucketAlreadyOwnedByYou
	switch {
	case err == nil:
		s.log.Info("bucket created")
	case !errors.As(err, &owned):
		return fmt.Errorf("archive: create bucket %s: %w", s.bucket, err)
	}
	return nil
}
