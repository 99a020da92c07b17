export * from '../../../apps/media/test-tools/test-video';
