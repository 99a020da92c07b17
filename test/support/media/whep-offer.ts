import nodeDataChannel from 'node-datachannel';

/** A real WebRTC offer with one receive-only H.264 video track, made without a browser. */
export async function makeOffer(label = 'whep-test'): Promise<{ sdp: string; close: () => void }> {
  const pc = new nodeDataChannel.PeerConnection(label, { iceServers: [], bindAddress: '127.0.0.1' });
  const video = new nodeDataChannel.Video('0', 'RecvOnly');
  video.addH264Codec(96, 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f');
  pc.addTrack(video);
  pc.setLocalDescription();
  await new Promise<void>((resolve) => {
    if (pc.gatheringState() === 'complete') return resolve();
    const t = setTimeout(resolve, 3000);
    pc.onGatheringStateChange((s) => s === 'complete' && (clearTimeout(t), resolve()));
  });
  return { sdp: pc.localDescription()!.sdp, close: () => pc.close() };
}
