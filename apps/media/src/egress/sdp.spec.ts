import { parseOffer } from './sdp';

const chromeLike = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 102 106 127',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=recvonly',
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:102 H264/90000',
  'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f',
  'a=rtpmap:106 H264/90000',
  'a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640032',
  'a=rtpmap:127 H264/90000',
  'a=fmtp:127 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
].join('\r\n');

describe('parseOffer', () => {
  it('picks the video mid and constrained-baseline H.264 with packetization-mode=1', () => {
    expect(parseOffer(chromeLike)).toEqual({ mid: '0', payloadType: 127, fmtp: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f' });
  });

  it('takes another H.264 profile when baseline is not offered', () => {
    const high = chromeLike
      .split('\r\n')
      .filter((l) => !l.includes(':127'))
      .join('\r\n');
    expect(parseOffer(high).payloadType).toBe(106);
  });

  it('refuses offers it cannot answer, with a reason', () => {
    expect(() => parseOffer('hello')).toThrow(/not an SDP offer/);
    expect(() => parseOffer('v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n')).toThrow(/no video section/);
    expect(() => parseOffer(chromeLike.replace('a=recvonly', 'a=sendonly'))).toThrow(/recvonly/);
    expect(() =>
      parseOffer(
        chromeLike
          .split('\r\n')
          .filter((l) => !/:(106|127)/.test(l))
          .join('\r\n'),
      ),
    ).toThrow(/packetization-mode=1/);
  });
});
