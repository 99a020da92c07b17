import { JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CameraEntity } from './camera.entity';

@Entity('recording_segments')
@Index(['cameraId', 'startedAt'])
// A media node reports a segment again when the answer to its first report was lost: indexed once.
@Index(['mediaNode', 'path'], { unique: true })
export class RecordingSegmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'camera_id', type: 'uuid' })
  cameraId: string;

  /** Restrict: recordings are erased by the retention job (audited), not by deleting the camera. */
  @ManyToOne(() => CameraEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'camera_id' })
  camera?: CameraEntity;

  /** Media node that holds the file. */
  @Column({ name: 'media_node', type: 'varchar', length: 200 })
  mediaNode: string;

  /** Path relative to that node's recording directory. */
  @Column({ type: 'text' })
  path: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'ended_at', type: 'timestamptz' })
  endedAt: Date;

  @Column({ type: 'bigint' })
  bytes: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
