// terraform-provider-codeployfile: a small Terraform provider whose one
// resource, codeployfile_file, is a file on this machine. Its Read reads the
// file back (content and mode), so `terraform plan -refresh-only` reports an
// edit made by hand as an attribute change and a deleted file as gone. CODE's
// tests use it for offline drift checks; it is built from the Go module proxy.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func main() {
	err := providerserver.Serve(context.Background(), func() provider.Provider { return &fileProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/codeploy/codeployfile"})
	if err != nil {
		log.Fatal(err)
	}
}

type fileProvider struct{}

func (p *fileProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "codeployfile"
}
func (p *fileProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
}
func (p *fileProvider) Configure(_ context.Context, _ provider.ConfigureRequest, _ *provider.ConfigureResponse) {
}
func (p *fileProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &fileResource{} }}
}
func (p *fileProvider) DataSources(_ context.Context) []func() datasource.DataSource { return nil }

type fileResource struct{}

type fileModel struct {
	ID      types.String `tfsdk:"id"`
	Path    types.String `tfsdk:"path"`
	Content types.String `tfsdk:"content"`
	Mode    types.String `tfsdk:"mode"`
}

func (r *fileResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_file"
}

func (r *fileResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":      schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"path":    schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
		"content": schema.StringAttribute{Required: true},
		"mode":    schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
	}}
}

func write(m *fileModel) error {
	mode := uint64(0o644)
	if !m.Mode.IsNull() && !m.Mode.IsUnknown() {
		parsed, err := strconv.ParseUint(m.Mode.ValueString(), 8, 32)
		if err != nil {
			return fmt.Errorf("mode %q is not an octal mode such as 0644", m.Mode.ValueString())
		}
		mode = parsed
	}
	p := m.Path.ValueString()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, []byte(m.Content.ValueString()), os.FileMode(mode)); err != nil {
		return err
	}
	if err := os.Chmod(p, os.FileMode(mode)); err != nil {
		return err
	}
	m.ID = types.StringValue(p)
	m.Mode = types.StringValue(fmt.Sprintf("%04o", mode))
	return nil
}

func (r *fileResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m fileModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := write(&m); err != nil {
		resp.Diagnostics.AddError("cannot write the file", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Read is what a refresh sees: the file as it is now.
func (r *fileResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m fileModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := m.Path.ValueString()
	info, err := os.Stat(p)
	if os.IsNotExist(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("cannot read the file", err.Error())
		return
	}
	data, err := os.ReadFile(p)
	if err != nil {
		resp.Diagnostics.AddError("cannot read the file", err.Error())
		return
	}
	m.Content = types.StringValue(string(data))
	m.Mode = types.StringValue(fmt.Sprintf("%04o", info.Mode().Perm()))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *fileResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m fileModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := write(&m); err != nil {
		resp.Diagnostics.AddError("cannot write the file", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *fileResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m fileModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := os.Remove(m.Path.ValueString()); err != nil && !os.IsNotExist(err) {
		resp.Diagnostics.AddError("cannot delete the file", err.Error())
	}
}
