import { newTestService } from '../../../../test/support/new-test-service';
import { CameraAddressService } from './camera-address.service';

describe(CameraAddressService.name, () => {
  it('keeps the credentials apart from the checked URL', async () => {
    await expect(newTestService(CameraAddressService).sut.checkRtspUrl('rtsp://user:pw@10.1.2.3/s')).resolves.toEqual({ url: 'rtsp://10.1.2.3/s', credentials: 'user:pw' });
  });
});
