// Package faultserver is a loopback-only HTTP(S) test server that answers
// each request with the next scripted Reply — including broken ones: a
// connection closed before the answer, an answer that never comes, a body
// that stalls or is reset midway, huge or trickling bodies. It counts the
// connections it accepts and the body bytes it writes, so tests can assert
// connection reuse and bounded reads.
package faultserver

import (
	"crypto/sha256"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is how a Reply misbehaves.
type Fault int

const (
	// None sends the reply normally.
	None Fault = iota
	// CloseBeforeReply closes the connection without answering.
	CloseBeforeReply
	// Hang reads the request and never answers (until the client goes away).
	Hang
	// StallMidBody sends the headers and Body, then stops sending.
	StallMidBody
	// ResetMidBody sends the headers and Body (announcing a longer
	// Content-Length), then resets the connection (TCP RST).
	ResetMidBody
)

// Reply is one scripted answer.
type Reply struct {
	Status int
	Header http.Header
	Body   string
	// Size, when > 0, appends filler bytes so the body is Size bytes long,
	// written in 32 KiB chunks (chunked encoding unless Header sets
	// Content-Length).
	Size int64
	// Chunks and Every trickle Body out in Chunks pieces, one every Every.
	Chunks int
	Every  time.Duration
	Fault  Fault
}

// Request is what the server saw of one request.
type Request struct {
	Method, Path string
	Header       http.Header
	BodyLen      int64
	BodySum      [sha256.Size]byte // SHA-256 of the body, to compare retried attempts
}

// Server is a scripted loopback server. Create it with New or NewTLS.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	script   []Reply
	requests []Request

	accepted atomic.Int64
	written  atomic.Int64
	quit     chan struct{}
	once     sync.Once
}

// New starts a plain-http server on 127.0.0.1 answering with replies in
// order; the last reply repeats. With no replies it answers 200 "{}".
func New(replies ...Reply) *Server { return start(false, replies) }

// NewTLS is New over https (use Client() for a client that trusts it).
func NewTLS(replies ...Reply) *Server { return start(true, replies) }

func start(tls bool, replies []Reply) *Server {
	s := &Server{script: replies, quit: make(chan struct{})}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	ts.Listener = &countingListener{Listener: ts.Listener, n: &s.accepted}
	s.Server = ts
	if tls {
		ts.StartTLS()
	} else {
		ts.Start()
	}
	return s
}

// Script replaces the remaining replies.
func (s *Server) Script(replies ...Reply) {
	s.mu.Lock()
	s.script = replies
	s.mu.Unlock()
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Accepted is the number of connections accepted so far.
func (s *Server) Accepted() int { return int(s.accepted.Load()) }

// Written is the number of response body bytes written so far.
func (s *Server) Written() int64 { return s.written.Load() }

// Close releases hanging handlers, closes every connection and waits for
// the handlers to return.
func (s *Server) Close() {
	s.once.Do(func() { close(s.quit) })
	s.Server.CloseClientConnections()
	s.Server.Close()
}

func (s *Server) next() Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.script) == 0 {
		return Reply{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: "{}"}
	}
	r := s.script[0]
	if len(s.script) > 1 {
		s.script = s.script[1:]
	}
	return r
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	sum := sha256.New()
	n, _ := io.Copy(sum, r.Body)
	s.mu.Lock()
	req := Request{Method: r.Method, Path: r.URL.EscapedPath(), Header: r.Header.Clone(), BodyLen: n}
	sum.Sum(req.BodySum[:0])
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	reply := s.next()

	switch reply.Fault {
	case CloseBeforeReply:
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
		return
	case Hang:
		s.wait(r)
		return
	}

	for k, vs := range reply.Header {
		w.Header()[k] = vs
	}
	if reply.Fault == ResetMidBody {
		w.Header().Set("Content-Length", strconv.Itoa(len(reply.Body)+1<<20))
	}
	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	rc := http.NewResponseController(w)
	if !s.writeBody(w, rc, reply) {
		return
	}
	_ = rc.Flush()

	switch reply.Fault {
	case StallMidBody:
		s.wait(r)
	case ResetMidBody:
		if conn, _, err := rc.Hijack(); err == nil {
			if tcp, ok := conn.(*net.TCPConn); ok {
				_ = tcp.SetLinger(0)
			}
			_ = conn.Close()
		}
	}
}

// writeBody writes Body (trickled when Chunks > 1) and Size filler; it
// reports false when the client went away.
func (s *Server) writeBody(w http.ResponseWriter, rc *http.ResponseController, reply Reply) bool {
	body := reply.Body
	if reply.Chunks > 1 {
		size := (len(body) + reply.Chunks - 1) / reply.Chunks
		for len(body) > 0 {
			part := body[:min(size, len(body))]
			body = body[len(part):]
			if !s.write(w, []byte(part)) || rc.Flush() != nil {
				return false
			}
			select {
			case <-time.After(reply.Every):
			case <-s.quit:
				return false
			}
		}
	} else if !s.write(w, []byte(body)) {
		return false
	}
	if rest := reply.Size - int64(len(reply.Body)); rest > 0 {
		chunk := make([]byte, 32<<10)
		for i := range chunk {
			chunk[i] = 'x'
		}
		for rest > 0 {
			if !s.write(w, chunk[:min(int64(len(chunk)), rest)]) {
				return false
			}
			rest -= int64(min(int64(len(chunk)), rest))
		}
	}
	return true
}

func (s *Server) write(w io.Writer, p []byte) bool {
	n, err := w.Write(p)
	s.written.Add(int64(n))
	return err == nil
}

func (s *Server) wait(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.quit:
	}
}

// countingListener counts accepted connections and refuses any that are
// not from a loopback address.
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if addr, ok := c.RemoteAddr().(*net.TCPAddr); ok && !addr.IP.IsLoopback() {
			_ = c.Close()
			continue
		}
		l.n.Add(1)
		return c, nil
	}
}
