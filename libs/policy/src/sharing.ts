import { acceptedIn } from './cedar-request';
import { Action, CameraInput, ContextInput, defaultSharing, PrincipalInput, SharingLevel } from './policy.types';
import { ENGINE_MESSAGES, ReasonLanguage } from './reasons';

/** Camera actions whose reach beyond the owner organisation its sharing level bounds. */
const SHARED_ACTIONS: readonly Action[] = ['live.anonymized', 'live.raw', 'recording.anonymized', 'recording.raw', 'clip.request', 'analytics.view'];

/** What each level shares with other organisations: always, and during an incident in effect for the camera's country. */
const SHARED: Record<SharingLevel, { always: readonly Action[]; incident: readonly Action[] }> = {
  private: { always: [], incident: [] },
  analytics: { always: ['analytics.view'], incident: ['analytics.view'] },
  // Recordings leave only as clips the owner approves, or during an incident, as the rules say.
  'on-request': { always: ['analytics.view', 'clip.request', 'recording.anonymized', 'recording.raw'], incident: SHARED_ACTIONS },
  'live-anonymized': { always: ['analytics.view', 'clip.request', 'recording.anonymized', 'recording.raw', 'live.anonymized'], incident: SHARED_ACTIONS },
};

export function sharingOf(camera: Pick<CameraInput, 'sharing' | 'owner'>): SharingLevel {
  return camera.sharing ?? defaultSharing(camera.owner.kind);
}

/**
 * Why the camera's owner does not share this action with the user, or null when it does (or the level
 * does not bound it: the owner's own users, camera.manage, audit.read). The engine applies this before
 * the rules, so no rule text can open more than the owner shares. In the language asked (default English).
 */
export function notSharedReason(principal: PrincipalInput, action: Action, camera: CameraInput, context: ContextInput | undefined, language: ReasonLanguage = 'en'): string | null {
  if (!SHARED_ACTIONS.includes(action) || principal.organisation?.id === camera.owner.id) return null;
  const level = sharingOf(camera);
  const incident = (context?.incidents ?? []).some((i) => acceptedIn(i).includes(camera.jurisdiction));
  if ((incident ? SHARED[level].incident : SHARED[level].always).includes(action)) return null;
  return ENGINE_MESSAGES.notShared(language, level, action, incident, incident ? SHARED[level].incident : SHARED[level].always);
}
