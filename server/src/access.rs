//! Who may open a child's record or act on a family, in one place. The rules:
//!
//! - **Clinic.** Only a child of the caller's own clinic exists for them (the clinic is part of every query).
//! - **Care team.** A child's care team may always open the child's record.
//! - **`clinic_wide` policy.** Under it, any other therapist of the clinic may open it too; each such access is
//!   written to the audit log as [`OUTSIDE_TEAM`] before any of the child's data is read. Under `team_only`
//!   (the default) they may not, and the refused attempt is audited as [`DENIED`].
//! - **Admins** see every child of the clinic listed and may keep any child's team in order ([`OpenTeam`]),
//!   audited as outside the team; opening the record itself follows the team rule like anyone else's.
//! - **404, not 403.** A child one may not open answers exactly as a child that does not exist, so a record
//!   never betrays its existence to someone outside it.
//! - **A family** is reached through its children: what every device of it sees needs every child opened
//!   ([`open_whole_family`]); its devices need one child opened ([`open_family`]).
//!
//! - **A discharged child's record is read-only.** Opened by a request that writes (any method but GET and
//!   HEAD, as [`mark_writes`] notes for the request), a discharged child answers 409 `discharged` whatever the
//!   handler: one check here rather than one per write. Only the lifecycle's own actions ([`OpenLifecycle`]:
//!   re-admit, erase) open it to change it.
//!
//! Handlers whose path names a child take [`OpenChild`] (or [`OpenTeam`]); those that reach a child through
//! another id (an assignment, a goal, a device) call [`open_child`] and friends.

use crate::audit::{self, Actor, ClientIp};
use crate::auth::TherapistAuth;
use crate::error::{ApiResult, Failure};
use crate::json::IdPath;
use crate::state::AppState;
use crate::store::ChildWithTeam;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use homeplay_core::care_team::{CareTeam, ChildAccess, OutsideTeamPolicy, child_access};
use homeplay_core::clinic::Role;
use homeplay_core::family::Child;
use homeplay_core::ids::{ChildId, FamilyId};
use homeplay_core::sync::ErrorCode;
use std::collections::HashSet;

/// The audit action of a refused open of a child's record.
pub const DENIED: &str = "access_denied";

/// The audit action of an access from outside the child's team.
pub const OUTSIDE_TEAM: &str = "outside_team_access";

tokio::task_local! {
    /// Whether the request being served may change something (its method is not GET or HEAD).
    static WRITING: bool;
}

/// Notes for the rest of the request whether it writes, so that opening a discharged child to change it is
/// refused in one place, however the handler reached the child (its path, an assignment, a goal, a routine).
pub async fn mark_writes(request: Request, next: Next) -> Response {
    let writing = !request.method().is_safe();
    WRITING.scope(writing, next.run(request)).await
}

/// Outside a request (the CLI), every open counts as a write: the CLI only makes pairing codes.
fn writing() -> bool {
    WRITING.try_with(|w| *w).unwrap_or(true)
}

/// The refusal of a change to a discharged child's record.
pub fn discharged(child: &Child) -> Failure {
    let on = child.discharged_on.map(|d| d.to_string()).unwrap_or_default();
    Failure::new(
        ErrorCode::Discharged,
        format!("this child was discharged on {on}: the record is read-only until the child is re-admitted"),
    )
    .with_field("child")
}

/// A child the signed-in caller may open, from the path's `{id}`: signed in (401, or 403 for a session that
/// owes a step or a write without its CSRF token), a well-formed id (400), and the care-team rule (404, the
/// access audited as the module says). The handler's own audit line stays the handler's.
#[derive(Debug)]
pub struct OpenChild {
    pub auth: TherapistAuth,
    pub ip: ClientIp,
    pub child: Child,
    pub team: CareTeam,
}

impl OpenChild {
    /// As the extractor does it, for a caller that is not an HTTP request (the CLI's pairing code).
    pub async fn open(state: &AppState, auth: TherapistAuth, ip: ClientIp, id: ChildId) -> ApiResult<Self> {
        let record = open_child(state, &auth, &ip, id).await?;
        Ok(Self { auth, ip, child: record.child, team: record.team })
    }

    pub fn id(&self) -> ChildId {
        self.child.id
    }
}

impl FromRequestParts<AppState> for OpenChild {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let (auth, ip, id) = caller_and_child(parts, state).await?;
        Self::open(state, auth, ip, id).await
    }
}

/// A child whose care team the caller may see and keep: whoever may open the child, and the clinic's admins
/// (who keep teams in order, and may mend one that lost its leads) whether or not they are on it; an admin
/// off the team is audited as outside it. Else 404.
#[derive(Debug)]
pub struct OpenTeam(pub OpenChild);

impl FromRequestParts<AppState> for OpenTeam {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let (auth, ip, id) = caller_and_child(parts, state).await?;
        let record = open(state, &auth, &ip, id, Purpose::KeepTeam).await?;
        Ok(Self(OpenChild { auth, ip, child: record.child, team: record.team }))
    }
}

/// A child whose lifecycle the caller acts on (re-admit, erase): opened as [`OpenTeam`] opens it (the team,
/// or an admin), but also when discharged, which is what these actions are for. Who of those may do what is
/// the handler's to decide.
#[derive(Debug)]
pub struct OpenLifecycle(pub OpenChild);

impl FromRequestParts<AppState> for OpenLifecycle {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let (auth, ip, id) = caller_and_child(parts, state).await?;
        let record = open(state, &auth, &ip, id, Purpose::Lifecycle).await?;
        Ok(Self(OpenChild { auth, ip, child: record.child, team: record.team }))
    }
}

/// The caller, their address and the child the path names, in the order a handler took them before.
async fn caller_and_child(parts: &mut Parts, state: &AppState) -> ApiResult<(TherapistAuth, ClientIp, ChildId)> {
    let auth = TherapistAuth::from_request_parts(parts, state).await?;
    let Ok(ip) = ClientIp::from_request_parts(parts, state).await;
    let IdPath(id) = IdPath::<ChildId>::from_request_parts(parts, state).await?;
    Ok((auth, ip, id))
}

/// The child, if it is of the caller's clinic (checked in the query) and the care-team rule lets the caller
/// in; else 404, so a record the caller may not open looks like no record at all. An access from outside the
/// team is written to the audit log before any data is read.
pub(crate) async fn open_child(
    state: &AppState,
    auth: &TherapistAuth,
    ip: &ClientIp,
    id: ChildId,
) -> ApiResult<ChildWithTeam> {
    open(state, auth, ip, id, Purpose::Record).await
}

/// Why a child is opened: its record follows the care-team rule for everyone; its team, admins keep too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Record,
    KeepTeam,
    /// As `KeepTeam`, and a discharged child may be changed (re-admitted, erased).
    Lifecycle,
}

async fn open(
    state: &AppState,
    auth: &TherapistAuth,
    ip: &ClientIp,
    id: ChildId,
    purpose: Purpose,
) -> ApiResult<ChildWithTeam> {
    let record = state.store.child_with_team(auth.therapist.clinic_id, id).await?.ok_or(Failure::not_found("child"))?;
    match child_access(&record.team, auth.therapist.id, record.policy) {
        ChildAccess::Team(_) => {}
        ChildAccess::OutsideTeam => record_outside_team(state, auth, ip, id).await?,
        ChildAccess::Denied if purpose != Purpose::Record && is_admin(auth) => {
            record_outside_team(state, auth, ip, id).await?;
        }
        ChildAccess::Denied => {
            record_denied(state, auth, ip, id).await?;
            return Err(Failure::not_found("child"));
        }
    }
    if record.child.is_discharged() && purpose != Purpose::Lifecycle && writing() {
        return Err(discharged(&record.child));
    }
    Ok(record)
}

/// For what reaches every child of a family at once (a pairing code: a device pulls the whole family's feed
/// and may log for any of its children; a sibling added to the family): the caller must be let in to **every**
/// child of the family, each access from outside a team audited per child. Else 404, as for a child.
///
/// `opened` is a child of the family the caller has opened already (and had audited): not audited twice.
pub(crate) async fn open_whole_family(
    state: &AppState,
    auth: &TherapistAuth,
    ip: &ClientIp,
    family: FamilyId,
    opened: Option<ChildId>,
) -> ApiResult<()> {
    let clinic = auth.therapist.clinic_id;
    state.store.family(clinic, family).await?.ok_or(Failure::not_found("family"))?;
    let mut outside = Vec::new();
    for child in state.store.children_of_family(family).await? {
        if Some(child.id) == opened {
            continue;
        }
        let Some(record) = state.store.child_with_team(clinic, child.id).await? else {
            return Err(Failure::not_found("family"));
        };
        match child_access(&record.team, auth.therapist.id, record.policy) {
            ChildAccess::Team(_) => {}
            ChildAccess::OutsideTeam => outside.push(child.id),
            ChildAccess::Denied => {
                record_denied(state, auth, ip, child.id).await?;
                return Err(Failure::not_found("family"));
            }
        }
    }
    for child in outside {
        record_outside_team(state, auth, ip, child).await?;
    }
    Ok(())
}

/// Whether the caller may open every child of the family, as [`open_whole_family`] requires, without auditing
/// anything: for the dashboard to offer what needs it ("Add a sibling"); the action itself still goes through
/// [`open_whole_family`].
pub(crate) async fn may_open_whole_family(state: &AppState, auth: &TherapistAuth, family: FamilyId) -> ApiResult<bool> {
    let clinic = auth.therapist.clinic_id;
    for child in state.store.children_of_family(family).await? {
        let Some(record) = state.store.child_with_team(clinic, child.id).await? else { return Ok(false) };
        if matches!(child_access(&record.team, auth.therapist.id, record.policy), ChildAccess::Denied) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether the caller may act on a family's shared things (its devices): so when they may open one of its
/// children. Else 404, as for a child.
pub(crate) async fn open_family(
    state: &AppState,
    auth: &TherapistAuth,
    ip: &ClientIp,
    family: FamilyId,
) -> ApiResult<()> {
    let mut outside = None;
    for child in state.store.children_of_family(family).await? {
        let Some(record) = state.store.child_with_team(auth.therapist.clinic_id, child.id).await? else { continue };
        match child_access(&record.team, auth.therapist.id, record.policy) {
            ChildAccess::Team(_) => return Ok(()),
            ChildAccess::OutsideTeam => outside = outside.or(Some(child.id)),
            ChildAccess::Denied => {}
        }
    }
    match outside {
        Some(child) => record_outside_team(state, auth, ip, child).await,
        None => Err(Failure::not_found("family")),
    }
}

/// Of the clinic's children, those the caller may see listed: the children of their care teams, every child
/// under a `clinic_wide` policy, and every child for an admin (who keeps the teams in order; opening a record
/// still follows the team rule).
pub(crate) async fn listable_children(
    state: &AppState,
    auth: &TherapistAuth,
    mut children: Vec<Child>,
) -> ApiResult<Vec<Child>> {
    let clinic = auth.therapist.clinic_id;
    if is_admin(auth) || state.store.outside_team_policy(clinic).await? == OutsideTeamPolicy::ClinicWide {
        return Ok(children);
    }
    let mine: HashSet<ChildId> = state
        .store
        .care_teams_of_clinic(clinic)
        .await?
        .into_iter()
        .filter(|t| t.member(auth.therapist.id).is_some())
        .map(|t| t.child_id)
        .collect();
    children.retain(|c| mine.contains(&c.id));
    Ok(children)
}

pub(crate) async fn record_outside_team(
    state: &AppState,
    auth: &TherapistAuth,
    ip: &ClientIp,
    id: ChildId,
) -> ApiResult<()> {
    audit::record(state, Actor::Therapist(auth), ip, OUTSIDE_TEAM, Some(id), "not on the child's care team").await
}

/// A refused attempt to open a child's record is audited too: who tried, and which child.
async fn record_denied(state: &AppState, auth: &TherapistAuth, ip: &ClientIp, id: ChildId) -> ApiResult<()> {
    audit::record(state, Actor::Therapist(auth), ip, DENIED, Some(id), "not on the child's care team").await
}

pub(crate) fn is_admin(auth: &TherapistAuth) -> bool {
    auth.therapist.role == Role::Admin
}
