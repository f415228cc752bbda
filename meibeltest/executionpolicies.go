package meibeltest

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// The tenant every resource of the server belongs to (the API reports it on
// execution policies, batch definitions and batch executions).
const (
	customerID = "cus_meibeltest"
	projectID  = "prj_meibeltest"
)

// executionPolicy is a named, reusable execution policy.
type executionPolicy struct {
	id, name             string
	description          *string
	policy               generated.ExecutionPolicy
	seq                  int
	createdAt, updatedAt time.Time
}

func (s *store) policy(id string) (*executionPolicy, error) {
	p, ok := s.policies[id]
	if !ok {
		return nil, notFound("execution policy %q not found", id)
	}
	return p, nil
}

// policyNamed returns the policy with this name, or nil.
func (s *store) policyNamed(name string) *executionPolicy {
	for _, p := range s.policies {
		if p.name == name {
			return p
		}
	}
	return nil
}

func (p *executionPolicy) response() generated.ExecutionPolicyResponse {
	return generated.ExecutionPolicyResponse{
		Id: p.id, CustomerId: customerID, ProjectId: projectID, Name: p.name,
		Description: orNull(p.description), ExecutionPolicy: p.policy,
		CreatedAt: p.createdAt, UpdatedAt: p.updatedAt,
	}
}

// policyName checks a policy name: not blank (422).
func policyName(name string) error {
	if strings.TrimSpace(name) == "" {
		return invalid("String should have at least 1 character", "body", "name")
	}
	return nil
}

// CreateExecutionPolicy creates a policy (201); names are unique (409).
func (h *handlers) CreateExecutionPolicy(_ context.Context, req generated.CreateExecutionPolicyRequestObject) (generated.CreateExecutionPolicyResponseObject, error) {
	b := req.Body
	if err := policyName(b.Name); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.policyNamed(b.Name) != nil {
		return nil, conflict("an execution policy named %q already exists", b.Name)
	}
	seq, id := h.next("pol")
	t := now()
	p := &executionPolicy{id: id, name: b.Name, policy: b.ExecutionPolicy, seq: seq, createdAt: t, updatedAt: t}
	if d, ok := get(b.Description); ok {
		p.description = &d
	}
	h.policies[id] = p
	return generated.CreateExecutionPolicy201JSONResponse(p.response()), nil
}

// GetExecutionPolicy returns one policy.
func (h *handlers) GetExecutionPolicy(_ context.Context, req generated.GetExecutionPolicyRequestObject) (generated.GetExecutionPolicyResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	p, err := h.policy(req.PolicyId)
	if err != nil {
		return nil, err
	}
	return generated.GetExecutionPolicy200JSONResponse(p.response()), nil
}

// ListExecutionPolicies lists every policy, oldest first (the API does not
// page them: pagination.limit is null).
func (h *handlers) ListExecutionPolicies(context.Context, generated.ListExecutionPoliciesRequestObject) (generated.ListExecutionPoliciesResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	list := make([]*executionPolicy, 0, len(h.policies))
	for _, p := range h.policies {
		list = append(list, p)
	}
	slices.SortFunc(list, func(x, y *executionPolicy) int { return x.seq - y.seq })
	data := make([]generated.ExecutionPolicyResponse, 0, len(list))
	for _, p := range list {
		data = append(data, p.response())
	}
	return generated.ListExecutionPolicies200JSONResponse{Data: data,
		Pagination: generated.PaginationMeta{Total: len(data), Limit: nullable.NewNullNullable[int]()}}, nil
}

// UpdateExecutionPolicy changes the fields present in the body. Absent
// fields are unchanged; a null description is cleared, a null
// execution_policy resets it to the empty policy (no restrictions), and a
// null name is a 422 (a policy always has one). Renaming onto another
// policy's name is a 409.
func (h *handlers) UpdateExecutionPolicy(_ context.Context, req generated.UpdateExecutionPolicyRequestObject) (generated.UpdateExecutionPolicyResponseObject, error) {
	b := req.Body
	if b.Name.IsNull() {
		return nil, invalid("Input should be a valid string", "body", "name")
	}
	name, rename := get(b.Name)
	if rename {
		if err := policyName(name); err != nil {
			return nil, err
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	p, err := h.policy(req.PolicyId)
	if err != nil {
		return nil, err
	}
	if rename {
		if other := h.policyNamed(name); other != nil && other != p {
			return nil, conflict("an execution policy named %q already exists", name)
		}
		p.name = name
	}
	if b.Description.IsSpecified() {
		p.description = nil
		if d, ok := get(b.Description); ok {
			p.description = &d
		}
	}
	if b.ExecutionPolicy.IsSpecified() {
		p.policy = b.ExecutionPolicy.GetOrEmpty()
	}
	p.updatedAt = now()
	return generated.UpdateExecutionPolicy200JSONResponse(p.response()), nil
}

// DeleteExecutionPolicy removes a policy (204).
func (h *handlers) DeleteExecutionPolicy(_ context.Context, req generated.DeleteExecutionPolicyRequestObject) (generated.DeleteExecutionPolicyResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.policy(req.PolicyId); err != nil {
		return nil, err
	}
	delete(h.policies, req.PolicyId)
	return generated.DeleteExecutionPolicy204Response{}, nil
}
