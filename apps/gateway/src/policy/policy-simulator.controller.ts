import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { MatrixDiffDto, MatrixDto, MatrixRequestDto, SimulateDto, SimulationDto } from './policy-simulator.dto';
import { PolicySimulatorService } from './policy-simulator.service';

/** The simulator: decisions and matrices of a draft or of the active rules, without activating anything. */
@ApiTags('policies')
@ApiBearerAuth()
@Controller('api/v1/policies')
export class PolicySimulatorController {
  constructor(private readonly simulator: PolicySimulatorService) {}

  @Post(':jurisdiction/simulate')
  @HttpCode(200)
  @ApiOkResponse({ type: SimulationDto, description: 'For a user, camera and context: the decision of each action, the rules that decided and the obligations' })
  simulate(@CurrentPrincipal() p: Principal, @Param('jurisdiction') jurisdiction: string, @Body() dto: SimulateDto): Promise<SimulationDto> {
    return this.simulator.simulate(p, jurisdiction, dto);
  }

  @Post(':jurisdiction/matrix')
  @HttpCode(200)
  @ApiOkResponse({ type: MatrixDto })
  async matrix(@CurrentPrincipal() p: Principal, @Param('jurisdiction') jurisdiction: string, @Body() dto: MatrixRequestDto): Promise<MatrixDto> {
    return { matrix: await this.simulator.matrix(p, jurisdiction, dto) };
  }

  @Post(':jurisdiction/matrix/diff')
  @HttpCode(200)
  @ApiOkResponse({ type: MatrixDiffDto })
  diff(@CurrentPrincipal() p: Principal, @Param('jurisdiction') jurisdiction: string, @Body() dto: MatrixRequestDto): Promise<MatrixDiffDto> {
    return this.simulator.diff(p, jurisdiction, dto);
  }
}
