import { Injectable } from '@nestjs/common';
import { companyDecider, companyStreamName } from '../../../../libs/domain/src';
import { loadState } from '../../../../libs/infra/src/commands/load-state';
import { ApiRuntime } from '../api-runtime';
import { type ApiRequest, requireUser } from '../http/request-user';

/**
 * The revision a request had when this HTTP request first looked at it, read from the event log
 * (not the read model, which may lag). Decisions send it as expectedRevision when the client sent
 * no If-Match: the command pipeline re-decides a losing append on fresh state, and without a
 * pinned revision the second of two simultaneous approvals of step 1 would silently approve
 * step 2 instead of failing with stale_revision.
 */
@Injectable()
export class RequestRevisions {
  constructor(private readonly runtime: ApiRuntime) {}

  async current(request: ApiRequest, requestId: string): Promise<bigint | undefined> {
    const { actor } = requireUser(request);
    const { state } = await loadState(this.runtime.eventLog, companyDecider, companyStreamName(actor.companyId));
    return state.status === 'registered' ? state.requests.get(requestId)?.revision : undefined;
  }
}
