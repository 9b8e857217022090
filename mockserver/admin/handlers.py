"""Control-plane handlers, one module per concept; the context of every call is the whole
:class:`~mockserver.state.ServerState`. Each handler is wrapped so state-layer errors become
documented admin errors (:mod:`mockserver.admin.errors`)."""

from __future__ import annotations

from mockserver.admin import (
    clock,
    faults,
    journal,
    keys,
    lifecycle,
    ratelimits,
    segments,
    server,
    snapshots,
    summaries,
    tenants,
)
from mockserver.admin.errors import translated
from mockserver.http.pipeline import Handler


def handlers() -> dict[str, Handler]:
    table: dict[str, Handler] = {
        "adminHealth": server.health,
        "resetAll": server.reset_all,
        "listTenants": tenants.list_tenants,
        "createTenant": tenants.create_tenant,
        "getTenant": tenants.get_tenant,
        "putTenant": tenants.put_tenant,
        "deleteTenant": tenants.delete_tenant,
        "resetTenant": tenants.reset_tenant,
        "getTenantSnapshot": snapshots.get_snapshot,
        "putTenantSnapshot": snapshots.put_snapshot,
        "getLifecycle": lifecycle.get_lifecycle,
        "putLifecycle": lifecycle.put_lifecycle,
        "listAdminSegments": segments.list_segments,
        "putAdminSegment": segments.put_segment,
        "deleteAdminSegment": segments.delete_segment,
        "getTenantRateLimits": ratelimits.get_tenant_limits,
        "putTenantRateLimits": ratelimits.put_tenant_limits,
        "getRateLimitDefaults": ratelimits.get_defaults,
        "putRateLimitDefaults": ratelimits.put_defaults,
        "getClock": clock.get_clock,
        "setClock": clock.set_clock,
        "advanceClock": clock.advance_clock,
        "listKeys": keys.list_keys,
        "createKey": keys.create_key,
        "revokeKey": keys.revoke_key,
        "listFaults": faults.list_faults,
        "createFault": faults.create_fault,
        "clearFaults": faults.clear_faults,
        "getFault": faults.get_fault,
        "deleteFault": faults.delete_fault,
        "getJournal": journal.get_journal,
        "clearJournal": journal.clear_journal,
        "getJournalSettings": journal.get_settings,
        "putJournalSettings": journal.put_settings,
        "getSummaryLatency": summaries.get_latency,
        "putSummaryLatency": summaries.put_latency,
    }
    return {operation_id: translated(handler) for operation_id, handler in table.items()}
