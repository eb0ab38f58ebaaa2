-- Permission change requests (seed 004, to the letter) and the details the seed has no
-- columns for (reason, expiry), projected from the company-<id> streams.
CREATE TABLE IF NOT EXISTS public.permission_change_requests (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    requester_id uuid NOT NULL REFERENCES users(id),
    target_user_id uuid NOT NULL REFERENCES users(id),
    diff jsonb NOT NULL DEFAULT '{}'::jsonb,
    status varchar(20) NOT NULL DEFAULT 'pending',
    approval_flow jsonb NOT NULL DEFAULT '[]'::jsonb,
    decided_at timestamptz NULL,
    decision_by uuid NULL REFERENCES users(id),
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
COMMENT ON TABLE public.permission_change_requests IS '权限变更请求';
COMMENT ON COLUMN public.permission_change_requests.id IS '请求唯一标识';
COMMENT ON COLUMN public.permission_change_requests.company_id IS '所属公司';
COMMENT ON COLUMN public.permission_change_requests.requester_id IS '申请人';
COMMENT ON COLUMN public.permission_change_requests.target_user_id IS '目标用户';
COMMENT ON COLUMN public.permission_change_requests.diff IS '拟变更内容';
COMMENT ON COLUMN public.permission_change_requests.status IS '状态';
COMMENT ON COLUMN public.permission_change_requests.approval_flow IS '审批链';
COMMENT ON COLUMN public.permission_change_requests.decided_at IS '决策时间';
COMMENT ON COLUMN public.permission_change_requests.decision_by IS '审批人';
COMMENT ON COLUMN public.permission_change_requests.created_at IS '提交时间';
CREATE INDEX IF NOT EXISTS idx_permission_change_requests_company_id ON public.permission_change_requests(company_id);

ALTER TABLE public.permission_change_requests ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Permission change requests readable within company"
    ON public.permission_change_requests
    FOR SELECT
    USING (
      company_id = current_company_id()
      AND (
        requester_id = auth.uid()
        OR target_user_id = auth.uid()
        OR has_role('Vibot.admin')
      )
    );

CREATE POLICY "Permission change requests manageable by admins"
    ON public.permission_change_requests
    FOR ALL
    USING (
      company_id = current_company_id()
      AND has_role('Vibot.admin')
    )
    WITH CHECK (
      company_id = current_company_id()
      AND has_role('Vibot.admin')
    );

-- What the seed's table has no column for; visible to exactly whom the request is.
CREATE TABLE public.permission_change_request_details (
    request_id uuid PRIMARY KEY REFERENCES permission_change_requests(id) ON DELETE CASCADE,
    company_id uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    reason text NOT NULL,
    expires_at timestamptz NOT NULL,
    decision_reason text NULL
);
CREATE INDEX IF NOT EXISTS idx_permission_change_request_details_expiry ON public.permission_change_request_details(expires_at);
COMMENT ON TABLE public.permission_change_request_details IS 'Reason, expiry and rejection reason of permission change requests.';

ALTER TABLE public.permission_change_request_details ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Request details readable like their request" ON public.permission_change_request_details
    FOR SELECT USING (EXISTS (SELECT 1 FROM public.permission_change_requests r WHERE r.id = request_id));

REVOKE ALL ON public.permission_change_requests, public.permission_change_request_details FROM PUBLIC, anon, authenticated;
GRANT SELECT ON public.permission_change_requests, public.permission_change_request_details TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.permission_change_requests, public.permission_change_request_details TO service_role;
