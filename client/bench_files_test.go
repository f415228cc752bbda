package client_test

// Benchmarks for uploads, downloads and SSE decoding, each with a raw
// net/http (or naive bufio.Scanner) baseline measured in the same run:
//
//	go test ./client -run '^$' -bench 'Upload|Download|SSEDecode' -benchmem
//
// Uploads and downloads move MEIBEL_BENCH_SIZE bytes per operation (default
// 1GiB; accepts a byte count or a KiB/MiB/GiB suffix; -short uses 16MiB), so
// CI can smoke-run them cheaply. SSEDecode decodes MEIBEL_BENCH_EVENTS events
// per operation (default 1,000,000). Figures: MB/s (b.SetBytes),
// peak-heap-MiB (live heap objects sampled with runtime/metrics while the
// benchmark runs, client and loopback server together), events/s and
// allocs/event.

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meibel-ai/meibel-go/client"
)

func benchSize(b *testing.B) int64 {
	if v := os.Getenv("MEIBEL_BENCH_SIZE"); v != "" {
		mult := int64(1)
		for suffix, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
			if strings.HasSuffix(v, suffix) {
				v, mult = strings.TrimSuffix(v, suffix), m
			}
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			b.Fatalf("MEIBEL_BENCH_SIZE=%q: want e.g. 1073741824, 256MiB or 1GiB", os.Getenv("MEIBEL_BENCH_SIZE"))
		}
		return n * mult
	}
	if testing.Short() {
		return 16 << 20
	}
	return 1 << 30
}

// heapPeak samples the live heap every millisecond until stop is called,
// which returns the peak in MiB.
func heapPeak() (stop func() float64) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		wg.Wait()
		return float64(peak) / (1 << 20)
	}
}

// zeros is an endless source of zero bytes that allocates nothing.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// discardUpload reads each multipart part of the request to the end.
func discardUpload(b *testing.B) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			io.Copy(io.Discard, p)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, uploadOK)
	}
}

func BenchmarkUpload(b *testing.B) {
	size := benchSize(b)
	srv := httptest.NewServer(discardUpload(b))
	defer srv.Close()
	c, err := client.New(client.WithAPIKey("k"), client.WithBaseURL(srv.URL+"/v2"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetBytes(size)
	b.ReportAllocs()
	stop := heapPeak()
	b.ResetTimer()
	for range b.N {
		form := &client.UploadContentForm{Files: []client.File{{Name: "big.bin", Reader: io.LimitReader(zeros{}, size), Size: size}}}
		if _, err := c.FileUpload.UploadContent(ctx, "ds", form); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(stop(), "peak-heap-MiB")
}

func BenchmarkUploadRawBaseline(b *testing.B) {
	size := benchSize(b)
	srv := httptest.NewServer(discardUpload(b))
	defer srv.Close()
	hc := &http.Client{}
	b.SetBytes(size)
	b.ReportAllocs()
	stop := heapPeak()
	b.ResetTimer()
	for range b.N {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			fw, err := mw.CreateFormFile("files", "big.bin")
			if err == nil {
				_, err = io.Copy(fw, io.LimitReader(zeros{}, size))
			}
			if err == nil {
				err = mw.Close()
			}
			pw.CloseWithError(err)
		}()
		resp, err := hc.Post(srv.URL+"/v2/datasources/ds/content", mw.FormDataContentType(), pr)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	b.StopTimer()
	b.ReportMetric(stop(), "peak-heap-MiB")
}

// zipServer streams a real zip: one stored entry of size zero bytes.
func zipServer(size int64) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", `attachment; filename="export.zip"`)
		zw := zip.NewWriter(w)
		f, err := zw.CreateHeader(&zip.FileHeader{Name: "content.bin", Method: zip.Store})
		if err == nil {
			io.Copy(f, io.LimitReader(zeros{}, size))
		}
		zw.Close()
	}))
}

func BenchmarkDownload(b *testing.B) {
	size := benchSize(b)
	srv := zipServer(size)
	defer srv.Close()
	c, err := client.New(client.WithAPIKey("k"), client.WithBaseURL(srv.URL+"/v2"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetBytes(size)
	b.ReportAllocs()
	stop := heapPeak()
	b.ResetTimer()
	for range b.N {
		d, err := c.DatasourceDownloads.DownloadFile(ctx, "ds", "job")
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, d)
		d.Close()
		if err != nil || n < size {
			b.Fatalf("read %d bytes: %v", n, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(stop(), "peak-heap-MiB")
}

func BenchmarkDownloadRawBaseline(b *testing.B) {
	size := benchSize(b)
	srv := zipServer(size)
	defer srv.Close()
	hc := &http.Client{}
	b.SetBytes(size)
	b.ReportAllocs()
	stop := heapPeak()
	b.ResetTimer()
	for range b.N {
		resp, err := hc.Get(srv.URL + "/v2/datasources/ds/downloads/job/file")
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n < size {
			b.Fatalf("read %d bytes: %v", n, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(stop(), "peak-heap-MiB")
}

// sseInput is n small chat-like events.
func sseInput(b *testing.B) ([]byte, int) {
	n := 1_000_000
	if v := os.Getenv("MEIBEL_BENCH_EVENTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("MEIBEL_BENCH_EVENTS=%q: want a positive count", v)
		}
	}
	var buf bytes.Buffer
	for i := range n {
		buf.WriteString("event: partial_response\ndata: tok")
		buf.WriteString(strconv.Itoa(i % 1000))
		buf.WriteString("\n\n")
	}
	return buf.Bytes(), n
}

// reportEvents reports events/s and allocs/event for the timed loop.
func reportEvents(b *testing.B, events int, run func(r io.Reader) int) {
	input, _ := sseInput(b)
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		if got := run(bytes.NewReader(input)); got != events {
			b.Fatalf("decoded %d events, want %d", got, events)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	runtime.ReadMemStats(&after)
	total := float64(events) * float64(b.N)
	b.ReportMetric(total/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/total, "allocs/event")
}

func BenchmarkSSEDecode(b *testing.B) {
	_, n := sseInput(b)
	reportEvents(b, n, func(r io.Reader) int {
		d := client.NewSSEDecoder(r)
		count := 0
		for {
			ev, err := d.Next()
			if err != nil {
				return count
			}
			if ev.Type == "partial_response" {
				count++
			}
		}
	})
}

// BenchmarkSSEDecodeNaiveBaseline is the naive decoder many clients use: a
// bufio.Scanner line splitter (with its 64 KiB line cap) and string fields.
func BenchmarkSSEDecodeNaiveBaseline(b *testing.B) {
	_, n := sseInput(b)
	reportEvents(b, n, func(r io.Reader) int {
		sc := bufio.NewScanner(r)
		count := 0
		var ev client.Event
		var data []string
		for sc.Scan() {
			line := sc.Text()
			if line == "" {
				ev.Data = strings.Join(data, "\n")
				if ev.Type == "partial_response" {
					count++
				}
				ev, data = client.Event{}, data[:0]
				continue
			}
			if strings.HasPrefix(line, ":") {
				continue
			}
			k, v, _ := strings.Cut(line, ":")
			v = strings.TrimPrefix(v, " ")
			switch k {
			case "event":
				ev.Type = v
			case "data":
				data = append(data, v)
			case "id":
				ev.ID = v
			}
		}
		return count
	})
}
