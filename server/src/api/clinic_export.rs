//! The whole clinic's export, as its admins take it to move to another system. The dashboard builds the
//! archive itself from the per-child endpoints (each read audited there, per child) so that the FHIR and CSV
//! rules live in one place; what the server adds is one audit entry per stage of the export: who started it,
//! how many children it listed, and how many it packed when it finished or was cancelled.

use crate::api::responses::{BadJson, JsonBody, SessionRead};
use crate::audit::{self, Actor, ClientIp};
use crate::auth::TherapistAuth;
use crate::error::{ApiResult, Failure};
use crate::json::StrictJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeplay_core::sync::ApiError;
use serde::{Deserialize, Serialize};

/// The audit action of a clinic export's stage.
pub const ACTION: &str = "export_clinic";

/// More children than any clinic has: a count above it is a client's mistake, not a clinic.
pub const MAX_CHILDREN: u32 = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportStage {
    Started,
    Finished,
    Cancelled,
}

impl ExportStage {
    fn name(self) -> &'static str {
        match self {
            Self::Started => "started",
            Self::Finished => "finished",
            Self::Cancelled => "cancelled",
        }
    }
}

/// A stage of an export, as the dashboard reports it.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClinicExport {
    pub stage: ExportStage,
    /// The children the export set out to pack: every child of the clinic the admin was listed.
    #[schema(maximum = 100000)]
    pub children: u32,
    /// The children packed into the archive (those the admin may open); required once `finished` or
    /// `cancelled`, absent when `started`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(maximum = 100000)]
    pub exported: Option<u32>,
}

impl ClinicExport {
    fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.children > MAX_CHILDREN {
            out.push(("children", format!("children: at most {MAX_CHILDREN}")));
        }
        match (self.stage, self.exported) {
            (ExportStage::Started, Some(_)) => {
                out.push(("exported", "exported: not known yet when the export starts; leave it out".into()))
            }
            (ExportStage::Finished | ExportStage::Cancelled, None) => {
                out.push(("exported", format!("exported: required once the export is {}", self.stage.name())))
            }
            (_, Some(n)) if n > self.children => {
                out.push(("exported", format!("exported: {n} is more than the {} children listed", self.children)))
            }
            _ => {}
        }
        out
    }

    fn audit_detail(&self) -> String {
        match self.exported {
            Some(n) => format!("{}: {n} of {} children exported", self.stage.name(), self.children),
            None => format!("{}: {} children listed", self.stage.name(), self.children),
        }
    }
}

/// Record a clinic export
///
/// Writes one entry to the audit log for a stage of a whole-clinic export (started, finished or cancelled)
/// with its counts. The children's data itself is read through the per-child endpoints, each read audited
/// there. Clinic admins only.
#[utoipa::path(
    post, path = "/clinic/exports", tag = "clinic", operation_id = "record_clinic_export",
    security(("session" = [], "csrf" = [])),
    request_body = ClinicExport,
    responses(
        (status = 201, description = "Recorded in the audit log", body = ClinicExport),
        (status = 403, description = "Not a clinic admin, or the X-CSRF-Token header is missing or wrong",
            body = ApiError),
        (status = 422, description = "`children` over 100000, or `exported` missing once finished or cancelled, \
            given when started, or more than `children` (`field` names it; the message lists every field at \
            fault)", body = ApiError),
        SessionRead, JsonBody, BadJson,
    ),
)]
pub async fn record(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    StrictJson(req): StrictJson<ClinicExport>,
) -> ApiResult<(StatusCode, Json<ClinicExport>)> {
    auth.require_admin()?;
    let problems = req.problems();
    if let Some((field, _)) = problems.first() {
        let message = problems.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join("; ");
        return Err(Failure::invalid(*field, message));
    }
    audit::record(&state, Actor::Therapist(&auth), &ip, ACTION, None, req.audit_detail()).await?;
    Ok((StatusCode::CREATED, Json(req)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export(stage: ExportStage, children: u32, exported: Option<u32>) -> ClinicExport {
        ClinicExport { stage, children, exported }
    }

    #[test]
    fn each_stage_says_what_it_needs() {
        assert!(export(ExportStage::Started, 40, None).problems().is_empty());
        assert!(export(ExportStage::Finished, 40, Some(38)).problems().is_empty());
        assert!(export(ExportStage::Cancelled, 40, Some(0)).problems().is_empty());
        let fields = |e: ClinicExport| e.problems().into_iter().map(|(f, _)| f).collect::<Vec<_>>();
        assert_eq!(fields(export(ExportStage::Started, 40, Some(1))), ["exported"]);
        assert_eq!(fields(export(ExportStage::Finished, 40, None)), ["exported"]);
        assert_eq!(fields(export(ExportStage::Finished, 40, Some(41))), ["exported"]);
        assert_eq!(fields(export(ExportStage::Started, MAX_CHILDREN + 1, None)), ["children"]);
    }

    #[test]
    fn the_audit_detail_holds_counts_only() {
        assert_eq!(export(ExportStage::Started, 3, None).audit_detail(), "started: 3 children listed");
        assert_eq!(export(ExportStage::Finished, 3, Some(2)).audit_detail(), "finished: 2 of 3 children exported");
    }
}
