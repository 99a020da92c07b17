import { Module } from '@nestjs/common';
import { RecordingMessages } from './recording.messages';
import { RecordingRepository } from './recording.repository';
import { RecordingService } from './recording.service';

@Module({ controllers: [RecordingMessages], providers: [RecordingRepository, RecordingService], exports: [RecordingService] })
export class RecordingModule {}
