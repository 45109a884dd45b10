//! Several exercises or routines assigned to one child in one submit (from the Library's selection): all
//! of them are assigned, or none, so a refused item never leaves half a program behind.

use crate::access::OpenChild;
use crate::api::assignments::{AssignmentInput, AssignmentView, prepare, refuse_duplicate, view};
use crate::api::responses::{BadJsonOrId, JsonBody, NoChild, SessionWrite};
use crate::audit::{self, Actor};
use crate::error::{ApiResult, Failure};
use crate::json::StrictJson;
use crate::program::feed_for_assignment;
use crate::state::{AppState, now_ms};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeplay_core::ids::ChildId;
use homeplay_core::sync::ApiError;
use serde::Deserialize;

/// The items to assign, each as for one assignment.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentBatch {
    #[schema(min_items = 1, max_items = 20)]
    pub items: Vec<AssignmentInput>,
}

impl AssignmentBatch {
    /// More than a child's whole program: a home program of 3–5 items works best.
    pub const MAX_ITEMS: usize = 20;
}

/// Assign several items at once
///
/// Assigns every item to the child in one step, or none of them: the first item at fault is named in
/// `field` under `items[i]`. Each item is as for one assignment (practice is due from the later of its
/// `start_date` and the child's today), and none may repeat another item or an active or paused item of the
/// child's program.
#[utoipa::path(
    post, path = "/children/{id}/assignments/batch", tag = "assignments", operation_id = "create_assignments",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [], "csrf" = [])),
    request_body = AssignmentBatch,
    responses(
        (status = 201, description = "All assigned, active, in the order given", body = Vec<AssignmentView>),
        (status = 409, description = "An item is the same practice as an active or paused item of the child's \
            program or as an earlier item of the batch (`field`: `items[i].target`)", body = ApiError),
        (status = 422, description = "No items or more than 20 (`items`), or an item's value is out of bounds, \
            its target is not in this clinic's library, or a goal is not an active goal of this child; `field` \
            names it under `items[i]`", body = ApiError),
        SessionWrite, JsonBody, BadJsonOrId, NoChild,
    ),
)]
pub async fn create_many(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
    StrictJson(req): StrictJson<AssignmentBatch>,
) -> ApiResult<(StatusCode, Json<Vec<AssignmentView>>)> {
    let count = req.items.len();
    if count == 0 || count > AssignmentBatch::MAX_ITEMS {
        let max = AssignmentBatch::MAX_ITEMS;
        return Err(Failure::invalid("items", format!("items: give 1 to {max} items; {count} were given")));
    }
    let clinic = auth.therapist.clinic_id;
    // Earlier items of the batch join the program as they are checked, so a repeated item is refused too.
    let mut program = state.store.assignments_of_child(clinic, child.id).await?;
    let mut made = Vec::with_capacity(count);
    for (i, input) in req.items.into_iter().enumerate() {
        let at = format!("items[{i}]");
        let assignment = prepare(&state, &auth, &child, input, &at).await?;
        refuse_duplicate(&program, &assignment).map_err(|f| f.within(&at))?;
        program.push(assignment.clone());
        made.push(assignment);
    }
    let mut feed = Vec::new();
    for assignment in &made {
        feed.extend(feed_for_assignment(&state.store, clinic, assignment).await?);
    }
    state.store.put_assignments(clinic, child.family_id, &made, auth.therapist.id, "create", &feed, now_ms()).await?;
    let ids: Vec<String> = made.iter().map(|a| a.id.to_string()).collect();
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "create_assignments",
        Some(child.id),
        format!("{count} assignments: {}", ids.join(", ")),
    )
    .await?;
    let mut views = Vec::with_capacity(count);
    for assignment in made {
        views.push(view(&state, &auth, assignment).await?);
    }
    Ok((StatusCode::CREATED, Json(views)))
}
