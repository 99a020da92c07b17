export * from '../../../apps/media/test-tools/camera-sim';
