// The protocol's records as the server's OpenAPI document describes them (generated from the Rust types, never
// written here by hand): what the core rules below take and give.
import type { components } from '../../dashboard/lib/api/schema';

type Schemas = components['schemas'];
export type Hlc = Schemas['Hlc'];
export type CompletionLog = Schemas['CompletionLog'];
export type Assignment = Schemas['Assignment'];
export type Routine = Schemas['Routine'];
export type SlotTime = Schemas['SlotTime'];
export type FamilyMoment = Schemas['FamilyMoment'];
export type Tally = Schemas['Tally'];
export type DaySummary = Schemas['DaySummary'];
export type DayStatus = Schemas['DayStatus'];
export type NotDoneReason = Schemas['NotDoneReason'];
export type Streaks = Schemas['Streaks'];
export type DateRange = Schemas['DateRange'];
export type GoalCheckIn = Schemas['GoalCheckIn'];
export type CheckInFace = Schemas['CheckInFace'];
