import type { Track } from 'node-datachannel';
import { makeOffer } from '../../../../test/support/media/whep-offer';
import { Peer } from './peer';
import { parseOffer } from './sdp';

describe('Peer', () => {
  it('drops a frame, without throwing, when the viewer goes away between the open check and the send', async () => {
    const offer = await makeOffer('peer-spec');
    const { peer } = await Peer.answer('peer-spec', offer.sdp, parseOffer(offer.sdp), { iceServers: [], bindAddress: '127.0.0.1', gatherTimeoutMs: 500 });
    try {
      // What libdatachannel does when its thread closes the track after isOpen() said yes.
      const fields = peer as unknown as { track: Pick<Track, 'isOpen' | 'sendMessageBinary' | 'close'> };
      const real = fields.track;
      fields.track = {
        isOpen: () => true,
        sendMessageBinary: () => {
          throw new Error('libdatachannel error while sending track message: Track is not open');
        },
        close: () => real.close(),
      };
      expect(peer.send(Buffer.from([0, 0, 0, 2, 0x65, 1]), 0)).toBe(false);
      expect(peer.framesSent).toBe(0);
    } finally {
      peer.close();
      offer.close();
    }
  });
});
