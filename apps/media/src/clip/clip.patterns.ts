/**
 * Transport patterns the media node answers for clip export. Not (yet) in libs/contracts
 * Patterns.media; the gateway's clip workflow calls them by these names.
 */
export const ClipPatterns = {
  /** Start exporting (ClipExportRequest) -> ClipExportStatus (state 'exporting'). */
  export: 'media.clip-export',
  /** { clipId } -> ClipExportStatus. */
  status: 'media.clip-status',
} as const;
