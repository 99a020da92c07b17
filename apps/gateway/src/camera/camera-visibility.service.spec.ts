import { newTestService } from '../../../../test/support/new-test-service';
import { CameraRepository } from './camera.repository';
import { CameraVisibilityService } from './camera-visibility.service';

describe(CameraVisibilityService.name, () => {
  it('answers camera_not_found for an unknown camera', async () => {
    const { sut, mocks } = newTestService(CameraVisibilityService);
    mocks.of(CameraRepository).findById.mockResolvedValue(null);
    await expect(sut.findOne('6f1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12')).rejects.toMatchObject({ code: 'camera_not_found', status: 404 });
  });
});
